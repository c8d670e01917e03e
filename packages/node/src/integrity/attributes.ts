/**
 * The attributes the integrity processors write and the verifier reads.
 * `service.instance.id` is stable in the OpenTelemetry resource semantic conventions; the `audit.*` names are ours.
 */

/** Position of a record in its chain: an integer from 1, per `service.instance.id` and signal, without gaps. */
export const ATTR_AUDIT_SEQ = "audit.seq";
/** Lower-case hex SHA-256 linking a record to its predecessor in the chain (see README.md in this directory). */
export const ATTR_AUDIT_HASH = "audit.hash";
/** The resource attribute naming the process instance a chain belongs to. */
export const ATTR_SERVICE_INSTANCE_ID = "service.instance.id";
