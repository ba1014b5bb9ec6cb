package io.github.mctunnel.client.session;

/** Header and parameter names of the tunnel protocol (spec section 9). */
final class TunnelHeaders {

    static final String TUNNEL_VERSION = "x-odps-tunnel-version";
    static final String TUNNEL_VERSION_VALUE = "6";
    static final String DATE_TRANSFORM = "odps-tunnel-date-transform";
    static final String DATE_TRANSFORM_VALUE = "v1";
    static final String SCHEMA_EVOLUTION = "odps-tunnel-sdk-support-schema-evolution";
    static final String SLOT_NUM = "odps-tunnel-slot-num";
    static final String ROUTED_SERVER = "odps-tunnel-routed-server";
    static final String BATCH_ID = "odps-tunnel-batch-id";
    static final String CONTENT_TYPE = "Content-Type";
    static final String OCTET_STREAM = "application/octet-stream";
    static final String CONTENT_ENCODING = "Content-Encoding";
    static final String ACCEPT_ENCODING = "Accept-Encoding";
    static final String QUOTA_NAME = "quotaName";
    static final String PARTITION = "partition";

    private TunnelHeaders() {}
}
