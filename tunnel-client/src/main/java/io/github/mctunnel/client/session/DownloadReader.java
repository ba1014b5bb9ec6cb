package io.github.mctunnel.client.session;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.TunnelResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;

/**
 * Reads a row range of a {@link DownloadSession}, in GETs of at most {@code rowsPerRequest} rows.
 * When a response breaks (connection dropped, truncated or corrupt stream) the reader re-issues the
 * GET for the remaining range starting at the next unread row, so no row is duplicated or skipped;
 * it gives up after {@link DownloadSession#MAX_RESUMES} consecutive failures without a row read.
 * Not thread-safe.
 */
public final class DownloadReader implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DownloadReader.class);

    private final DownloadSession session;
    private final long end;
    private final String projection;
    private final String acceptEncoding;
    private final RowDecoder.Factory decoders;
    private final long rowsPerRequest;
    private final ErrorContext context;

    private long next;
    private long pieceEnd;
    private TunnelResponse response;
    private RowDecoder decoder;
    private RecordView view;
    private Object[] values;
    private int failures;
    private int resumes;
    private boolean closed;

    DownloadReader(
            DownloadSession session,
            long start,
            long count,
            String projection,
            String acceptEncoding,
            RowDecoder.Factory decoders,
            long rowsPerRequest,
            ErrorContext context) {
        this.session = session;
        this.next = start;
        this.end = start + count;
        this.projection = projection;
        this.acceptEncoding = acceptEncoding;
        this.decoders = decoders;
        this.rowsPerRequest = rowsPerRequest;
        this.context = context;
    }

    /**
     * The next row (values in the projected column order), or null after the last row of the range.
     *
     * @throws TunnelException when the range cannot be read even after resuming
     */
    public Object[] read() throws TunnelException {
        return advance(false) ? values : null;
    }

    /**
     * The next row as a {@link RecordView} (columns in the projected order), valid until the next
     * call, or null after the last row of the range. With the record codec's decoder (the default)
     * no value is boxed. Resumes broken responses exactly as {@link #read()}.
     *
     * @throws TunnelException when the range cannot be read even after resuming
     */
    public RecordView next() throws TunnelException {
        return advance(true) ? view : null;
    }

    /** Moves to the next row, into {@link #view} or {@link #values}; false after the last one. */
    private boolean advance(boolean asView) throws TunnelException {
        if (closed) {
            throw TunnelException.local(context, "the reader is closed");
        }
        while (true) {
            try {
                if (decoder == null) {
                    if (next >= end) {
                        return false;
                    }
                    openPiece();
                }
                boolean got;
                if (asView) {
                    view = decoder.next();
                    got = view != null;
                } else {
                    values = decoder.read();
                    got = values != null;
                }
                if (got) {
                    if (next >= pieceEnd) {
                        throw new IOException(
                                "the service sent more rows than requested (row " + next + ")");
                    }
                    next++;
                    failures = 0;
                    return true;
                }
                if (next < pieceEnd) {
                    throw new IOException(
                            "the stream ended at row " + next + ", before row " + pieceEnd);
                }
                closePiece(false);
            } catch (TunnelException e) {
                closePiece(true);
                throw e;
            } catch (IOException e) {
                closePiece(true);
                if (next >= end) {
                    // every row was delivered (each checked by its own CRC); only the end of the
                    // stream was unreadable
                    return false;
                }
                failures++;
                if (failures > DownloadSession.MAX_RESUMES) {
                    throw new TunnelException(
                            0,
                            null,
                            "reading failed at row "
                                    + next
                                    + " after "
                                    + (failures - 1)
                                    + " resumes: "
                                    + e,
                            null,
                            context,
                            0,
                            e);
                }
                resumes++;
                LOG.warn("{}: stream broken at row {} ({}), resuming", context, next, e.toString());
            }
        }
    }

    private void openPiece() throws IOException {
        long count = Math.min(rowsPerRequest, end - next);
        pieceEnd = next + count;
        response =
                session.tunnel()
                        .caller()
                        .open(
                                session.dataRequest(
                                        next, count, projection, acceptEncoding, context));
        decoder = decoders.open(response.body(), response.header(TunnelHeaders.CONTENT_ENCODING));
    }

    /** Closes the current response; {@code abort} drops the connection instead of draining it. */
    private void closePiece(boolean abort) {
        decoder = null;
        if (response != null) {
            if (abort) {
                response.abort();
            } else {
                try {
                    response.close();
                } catch (IOException ignored) {
                    // the connection is discarded either way
                }
            }
            response = null;
        }
    }

    /** The absolute index of the next row to be returned. */
    public long position() {
        return next;
    }

    /** How many times a broken response was resumed. */
    public int resumes() {
        return resumes;
    }

    @Override
    public void close() {
        closed = true;
        closePiece(decoder != null);
    }
}
