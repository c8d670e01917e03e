// SPDX-License-Identifier: Apache-2.0
/** A mode that cannot run here; its message is printed in the mode's row instead of numbers. */
export class ModeUnavailable extends Error {
  name = "ModeUnavailable";
}
