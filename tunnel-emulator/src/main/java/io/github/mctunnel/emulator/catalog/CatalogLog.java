package io.github.mctunnel.emulator.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The append-only, fsync'd log of catalog changes under a data directory. Each record is {@code
 * [int length][int CRC-32C][serialized event]}; replay stops at the first incomplete or corrupt
 * record (a write torn by a crash) and cuts the file there. An append that fails part-way (disk
 * full, I/O error) is cut off again at once, so that no partial record hides the records appended
 * after it; when even that fails, the log refuses every later append.
 */
final class CatalogLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogLog.class);
    static final String FILE_NAME = "catalog.log";
    private static final String LOCK_NAME = "emulator.lock";
    private static final int HEADER = 8;

    /**
     * What a record may deserialize: the catalog's own event classes and the JDK value types rows
     * hold; any other class (a gadget in a planted or corrupted log) is refused before it is
     * instantiated.
     */
    static final java.io.ObjectInputFilter FILTER =
            java.io.ObjectInputFilter.Config.createFilter(
                    "maxdepth=200;io.github.mctunnel.emulator.catalog.*;"
                            + "io.github.mctunnel.client.schema.*;java.lang.*;java.util.*;"
                            + "java.math.*;java.time.*;!*");

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel channel;

    /** Why appends are refused (a failed append could not be cut off), or null. */
    private String broken;

    /** Test seam: the next append writes only this many bytes, then fails; -1 when off. */
    private int failNextAppendAfter = -1;

    private CatalogLog(Path file, FileChannel lockChannel, FileLock lock, FileChannel channel) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.channel = channel;
    }

    /** Opens (creating when needed) the log of a data directory, locking the directory. */
    static CatalogLog open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel lockChannel =
                FileChannel.open(
                        dataDir.resolve(LOCK_NAME),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException(
                    "Data directory "
                            + dataDir
                            + " is in use by another running emulator; stop it or choose another --data-dir");
        }
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        return new CatalogLog(file, lockChannel, lock, channel);
    }

    /** Replays every intact record in order, then truncates a torn tail. */
    void replay(Consumer<CatalogEvent> apply) throws IOException {
        long size = channel.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (pos + HEADER <= size) {
            header.clear();
            readFully(header, pos);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length <= 0 || pos + HEADER + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, pos + HEADER);
            CRC32C check = new CRC32C();
            check.update(payload.array(), 0, length);
            if ((int) check.getValue() != crc) {
                break;
            }
            CatalogEvent event;
            try (ObjectInputStream in =
                    new ObjectInputStream(new ByteArrayInputStream(payload.array()))) {
                in.setObjectInputFilter(FILTER);
                event = (CatalogEvent) in.readObject();
            } catch (ClassNotFoundException | java.io.InvalidClassException e) {
                throw new IOException(
                        "Unreadable record in "
                                + file
                                + " at offset "
                                + pos
                                + " (a class outside the catalog's own and the JDK's value types is"
                                + " refused): "
                                + e.getMessage(),
                        e);
            }
            apply.accept(event);
            pos += HEADER + length;
        }
        if (pos < size) {
            LOG.warn(
                    "Ignoring {} bytes of an incomplete last record in {} (torn write)",
                    size - pos,
                    file);
            channel.truncate(pos);
            channel.force(true);
        }
        channel.position(pos);
    }

    private void readFully(ByteBuffer buf, long at) throws IOException {
        long p = at;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of " + file);
            }
            p += n;
        }
    }

    /**
     * Appends one record and forces it to disk before returning.
     *
     * @throws UncheckedIOException when it cannot be written (nothing of it stays in the log)
     */
    void append(CatalogEvent event) {
        if (broken != null) {
            throw new UncheckedIOException(
                    new IOException(
                            "The catalog log "
                                    + file
                                    + " refuses appends since an earlier append failed and could"
                                    + " not be cut off ("
                                    + broken
                                    + "); restart the emulator"));
        }
        byte[] payload = serialize(event);
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long start;
        try {
            start = channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the catalog log " + file, e);
        }
        try {
            if (failNextAppendAfter >= 0) {
                buf.limit(Math.min(buf.limit(), failNextAppendAfter));
                failNextAppendAfter = -1;
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                throw new IOException("injected append failure");
            }
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
                channel.force(true);
            } catch (IOException cut) {
                broken = cut.getMessage();
                e.addSuppressed(cut);
            }
            throw new UncheckedIOException("Cannot write the catalog log " + file, e);
        }
    }

    /** Test seam: makes the next append write {@code bytes} bytes of its record and fail. */
    void failNextAppendAfter(int bytes) {
        this.failNextAppendAfter = bytes;
    }

    static byte[] serialize(CatalogEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(event);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(
                    "A row value of type " + e.getMessage() + " cannot be stored", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }
}
