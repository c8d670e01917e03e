// SPDX-License-Identifier: Apache-2.0
/** A configuration mistake, reported at startup with the option or variable, its value and what is accepted. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}
