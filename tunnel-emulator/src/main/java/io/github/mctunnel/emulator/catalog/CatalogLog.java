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
 * record (a write torn by a crash) and cuts the file there.
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

    /** Appends one record and forces it to disk before returning. */
    void append(CatalogEvent event) {
        byte[] payload = serialize(event);
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the catalog log " + file, e);
        }
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
