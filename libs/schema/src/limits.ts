/**
 * Explicit limits of the Topology and Intent formats. Every document is checked against them
 * before anything else looks at it, so services never work on unbounded input.
 */
import { MAX_SEGMENTS } from '@srv6/datapath/pure';

/** API version every document carries. */
export const API_VERSION = 'srv6.intents/v1';

/** Node, service and host names: lower-case letters, digits and '-' (DNS-label like). */
export const NAME_PATTERN = /^[a-z0-9-]+$/;

/** A node name is short enough to be a Linux interface / netns name suffix and log friendly. */
export const NODE_NAME_MAX_LENGTH = 32;

/** Service-instance and host names follow the node-name rules. */
export const SERVICE_NAME_MAX_LENGTH = 32;
export const HOST_NAME_MAX_LENGTH = 32;

/** A link name may default to "<a>-<b>", so it holds two node names and the dash. */
export const LINK_NAME_MAX_LENGTH = 2 * NODE_NAME_MAX_LENGTH + 1;

/** Intent and topology names (metadata.name): a DNS label, ≤ 63 characters (RFC 1035). */
export const DOCUMENT_NAME_MAX_LENGTH = 63;

/** Free labels (tags, service types): any printable text without spaces, bounded. */
export const LABEL_PATTERN = /^[A-Za-z0-9._-]+$/;
export const LABEL_MAX_LENGTH = 63;
/** Tags per node or link: enough for real labelling, small enough to scan per path step. */
export const MAX_TAGS = 32;

/** Nodes per topology: far above any lab or campus network, keeps path search bounded. */
export const MAX_NODES = 10_000;
/** Links per topology: ten per node on average at the node limit. */
export const MAX_LINKS = 100_000;
/** Service instances per topology. */
export const MAX_SERVICES = 10_000;
/** Hosts per topology. */
export const MAX_TOPOLOGY_HOSTS = 100_000;
/** Prefixes owned by one node. */
export const MAX_PREFIXES_PER_NODE = 1_000;
/** Flex-Algorithms one link takes part in (there are only 128 of them, 128..255). */
export const MAX_FLEX_ALGOS_PER_LINK = 128;

/** Flex-Algorithm numbers (RFC 9350 §5): 128..255. */
export const FLEX_ALGO_MIN = 128;
export const FLEX_ALGO_MAX = 255;

/** IGP link metric: IS-IS wide metric is 24 bits (RFC 5305 §3.7); 0 is not a usable metric. */
export const IGP_METRIC_MIN = 1;
export const IGP_METRIC_MAX = 0xffffff;

/** Hosts one intent applies to: each host programs its own datapath entries. */
export const MAX_INTENT_HOSTS = 1_000;
/** Port entries per intent: the datapath expands them into port intervals per rule. */
export const MAX_PORT_ENTRIES = 64;
/** Highest TCP/UDP port number. */
export const PORT_MAX = 65_535;

/**
 * Waypoints (via) and service-chain entries: every one costs a segment, and the last segment
 * is always the egress node's decapSid, so at most MAX_SEGMENTS − 1 remain.
 */
export const MAX_WAYPOINTS = MAX_SEGMENTS - 1;

/** Avoid lists (nodes, links, tags) per intent. */
export const MAX_AVOID_ENTRIES = 1_000;

/** Weighted objectives: one entry per additive objective type at most. */
export const MAX_WEIGHTED_OBJECTIVES = 4;

/** Whole document (YAML or JSON text) in bytes: 1 MiB, the default NATS max payload. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** YAML alias nodes per document: a low count refuses "billion laughs" expansion bombs. */
export const YAML_MAX_ALIAS_COUNT = 100;

/**
 * Levels of nested objects and arrays in a document. A valid one needs 5
 * (`spec.links[0].adjSids.r1`); far deeper input only costs parser time and stack (a 1 MiB YAML
 * text of brackets would take seconds and hundreds of MB to parse), so it is refused first.
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * Fields of one object (not arrays: those have their own limits). The largest object of the
 * formats, a link, has 12; a document with thousands of unknown fields is refused before
 * class-validator, whose check of unknown fields takes time quadratic in their number.
 */
export const MAX_OBJECT_FIELDS = 64;
