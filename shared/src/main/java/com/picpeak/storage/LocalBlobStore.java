package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects as files under one root folder, at the path their key names (so a photographer's drop folder
 * is the store). Writes go to a temp file in the target folder, then an atomic rename: a reader sees
 * the old object or the new one, never a part. Content type and user metadata live in a sidecar tree
 * ({@value #META_DIR}) that records the size and mtime of the file it describes, so a file replaced
 * by hand is never paired with stale metadata (its sha256 in particular).
 */
public final class LocalBlobStore implements BlobStore {
    public static final String META_DIR = ".picpeak-meta";
    static final String TEMP_PREFIX = ".picpeak-tmp-";
    private static final int COPY_BUFFER_BYTES = 256 * 1024;

    private final Path root;

    public LocalBlobStore(Path root) {
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw failure("cannot create the storage root " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public BlobRead get(String key, ByteRange range) {
        Path file = resolve(key);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw notFound(key);
        } catch (IOException e) {
            throw failure("cannot open " + file, e);
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw notFound(key);
            }
            // The open channel pins this version of the file even if a put renames a new one over it.
            long size = channel.size();
            long first = 0;
            long last = size - 1;
            if (range != null) {
                long[] span = range.resolve(size);
                first = span[0];
                last = span[1];
            }
            channel.position(first);
            InputStream stream = new BoundedInputStream(Channels.newInputStream(channel), last - first + 1);
            return new BlobRead(stream, info(key, file, attributes), first, last);
        } catch (IOException e) {
            closeQuietly(channel);
            throw failure("cannot read " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The etag is the file's size and modification time: an edit of the same size that keeps the time keeps it. */
    @Override
    public boolean etagFollowsContent() {
        return false;
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? Optional.of(info(key, file, attributes)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read the attributes of " + file, e);
        }
    }

    @Override
    public StoredBlob put(String key, InputStream content, PutOptions options) {
        Path target = resolve(key);
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
            HashingInputStream hashing = new HashingInputStream(content);
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
                byte[] buffer = new byte[COPY_BUFFER_BYTES];
                for (int n; (n = hashing.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            }
            String sha256 = hashing.sha256Hex();
            options.verify(key, sha256);
            BasicFileAttributes written = Files.readAttributes(temp, BasicFileAttributes.class);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            Map<String, String> metadata = new HashMap<>(options.metadata());
            metadata.put(BlobInfo.SHA256, sha256);
            String contentType = options.contentType() != null ? options.contentType() : ContentTypes.guess(key);
            writeSidecar(key, contentType, metadata, written);
            return new StoredBlob(key, hashing.count(), sha256, hashing.crc32(), etag(written));
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new PicPeakException(ErrorCode.INVALID_KEY, "storage key '" + key
                    + "' cannot be stored: a file stands where a folder of it should be (" + e.getFile() + ")", e);
        } catch (IOException e) {
            throw failure("cannot write " + target, e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        resolve(targetKey); // refuse a bad target before reading anything
        try (BlobRead source = get(sourceKey)) {
            Map<String, String> metadata = new HashMap<>(source.info().metadata());
            Optional<String> sha256 = Optional.ofNullable(metadata.remove(BlobInfo.SHA256));
            put(targetKey, source.stream(), new PutOptions(source.info().contentType(), metadata, sha256));
        } catch (IOException e) {
            throw failure("cannot copy " + sourceKey + " to " + targetKey, e);
        }
    }

    @Override
    public void delete(String key) {
        Path file = resolve(key);
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(file);
            }
            Files.deleteIfExists(sidecar(key));
        } catch (NoSuchFileException e) {
            // deleted concurrently: the outcome is the one asked for
        } catch (IOException e) {
            throw failure("cannot delete " + file, e);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        String validPrefix = Keys.validatePrefix(prefix);
        int slash = validPrefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(validPrefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return Stream.empty();
        }
        Stream<Path> walk;
        try {
            walk = Files.walk(start);
        } catch (IOException e) {
            throw failure("cannot list " + start, e);
        }
        return walk
                .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                .map(path -> Map.entry(keyOf(path), path))
                .filter(entry -> entry.getKey().startsWith(validPrefix) && !isInternal(entry.getKey()))
                .map(entry -> listed(entry.getKey(), entry.getValue()))
                .flatMap(Optional::stream);
    }

    /** An unfinished object is a pre-sized temp file beside its key, written at each part's offset. */
    @Override
    public String startParts(String key, String contentType) {
        Path target = resolve(key);
        String uploadId = UUID.randomUUID().toString();
        try {
            Files.createDirectories(target.getParent());
            Files.createFile(partsFile(target, uploadId));
        } catch (IOException e) {
            throw failure("cannot start writing " + target, e);
        }
        return uploadId;
    }

    @Override
    public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content, long length) {
        Path parts = partsFile(resolve(key), uploadId);
        if (!Files.isRegularFile(parts, LinkOption.NOFOLLOW_LINKS)) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "no unfinished object " + uploadId + " for '" + key + "'");
        }
        try (FileChannel channel = FileChannel.open(parts, StandardOpenOption.WRITE);
             var digesting = PartDigest.md5(content, length)) {
            channel.position(offset);
            PartDigest.copy(digesting, Channels.newOutputStream(channel), key, partNumber, length);
            channel.force(false);
            return PartDigest.hex(digesting);
        } catch (IOException e) {
            throw failure("cannot write part " + partNumber + " of " + parts, e);
        }
    }

    @Override
    public void completeParts(String key, String uploadId, int parts, List<String> partDigests) {
        Path target = resolve(key);
        Path unfinished = partsFile(target, uploadId);
        try {
            Files.move(unfinished, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            writeSidecar(key, ContentTypes.guess(key), Map.of(), Files.readAttributes(target, BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "no unfinished object " + uploadId + " for '" + key + "'", e);
        } catch (IOException e) {
            throw failure("cannot complete " + target, e);
        }
    }

    @Override
    public void abortParts(String key, String uploadId) {
        deleteQuietly(partsFile(resolve(key), uploadId));
    }

    @Override
    public long minPartBytes() {
        return 1;
    }

    private static Path partsFile(Path target, String uploadId) {
        UUID.fromString(uploadId); // an id this store issued, never a path
        return target.resolveSibling(TEMP_PREFIX + "parts-" + uploadId);
    }

    @Override
    public boolean canPresign() {
        return false;
    }

    @Override
    public URI presignGet(String key, Duration validFor, String downloadFileName) {
        throw new PicPeakException(ErrorCode.PRESIGN_UNSUPPORTED, "the local backend cannot issue presigned "
                + "URLs: its objects are streamed through the server (presigned downloads need STORAGE_BACKEND=s3)");
    }

    @Override
    public URI presignPut(String key, Duration validFor, String contentType) {
        throw new PicPeakException(ErrorCode.PRESIGN_UNSUPPORTED, "the local backend cannot accept direct uploads: "
                + "send the files to the server (multipart upload); direct uploads need STORAGE_BACKEND=s3");
    }

    @Override
    public String describe() {
        return "local root=" + root;
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    /** The file of a key, refusing anything that could name a place outside the root or the store's own files. */
    Path resolve(String key) {
        Keys.validate(key);
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        if (key.equals(META_DIR) || key.startsWith(META_DIR + "/") || fileName.startsWith(TEMP_PREFIX)) {
            throw new PicPeakException(ErrorCode.INVALID_KEY, "storage key '" + key
                    + "' uses a name the local store reserves for itself (" + META_DIR + ", " + TEMP_PREFIX + "*)");
        }
        Path file = root.resolve(key).normalize();
        // A symlink inside the root must not lead out of it: check the deepest folder that exists.
        Path existing = file.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            if (!file.startsWith(root) || existing == null || !existing.toRealPath().startsWith(root)
                    || (Files.isSymbolicLink(file) && !file.toRealPath().startsWith(root))) {
                throw outside(key);
            }
        } catch (IOException e) {
            throw outside(key);
        }
        return file;
    }

    private static PicPeakException outside(String key) {
        return new PicPeakException(ErrorCode.INVALID_KEY, "storage key '" + key + "' resolves outside the storage root");
    }

    private String keyOf(Path file) {
        Path relative = root.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path name : relative) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(name);
        }
        return key.toString();
    }

    private static boolean isInternal(String key) {
        return key.startsWith(META_DIR + "/") || key.substring(key.lastIndexOf('/') + 1).startsWith(TEMP_PREFIX);
    }

    private Optional<BlobInfo> listed(String key, Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new BlobInfo(key, attributes.size(), etag(attributes),
                    attributes.lastModifiedTime().toInstant(), null, Map.of()));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while listing
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BlobInfo info(String key, Path file, BasicFileAttributes attributes) {
        String contentType = ContentTypes.guess(key);
        Map<String, String> metadata = Map.of();
        Properties sidecar = readSidecar(key);
        if (sidecar != null && describesFile(sidecar, attributes)) {
            contentType = sidecar.getProperty("content-type", contentType);
            Map<String, String> fromSidecar = new HashMap<>();
            for (String name : sidecar.stringPropertyNames()) {
                if (name.startsWith("meta.")) {
                    fromSidecar.put(name.substring(5), sidecar.getProperty(name));
                }
            }
            metadata = fromSidecar;
        }
        return new BlobInfo(key, attributes.size(), etag(attributes),
                attributes.lastModifiedTime().toInstant(), contentType, metadata);
    }

    private static boolean describesFile(Properties sidecar, BasicFileAttributes attributes) {
        return String.valueOf(attributes.size()).equals(sidecar.getProperty("size"))
                && attributes.lastModifiedTime().toString().equals(sidecar.getProperty("mtime"));
    }

    private static String etag(BasicFileAttributes attributes) {
        FileTime mtime = attributes.lastModifiedTime();
        return Long.toHexString(attributes.size()) + "-" + Long.toHexString(mtime.toInstant().getEpochSecond())
                + Integer.toHexString(mtime.toInstant().getNano());
    }

    private Path sidecar(String key) {
        return root.resolve(META_DIR).resolve(key + ".properties");
    }

    private Properties readSidecar(String key) {
        Path path = sidecar(key);
        try (InputStream in = Files.newInputStream(path)) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null; // unreadable metadata is treated as absent, never as a reason to refuse the object
        }
    }

    private void writeSidecar(String key, String contentType, Map<String, String> metadata,
                              BasicFileAttributes described) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("content-type", contentType);
        properties.setProperty("size", String.valueOf(described.size()));
        properties.setProperty("mtime", described.lastModifiedTime().toString());
        metadata.forEach((name, value) -> properties.setProperty("meta." + name, value));
        Path path = sidecar(key);
        Files.createDirectories(path.getParent());
        Path temp = path.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
                properties.store(out, null);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteQuietly(temp);
        }
    }


    private static PicPeakException notFound(String key) {
        return new PicPeakException(ErrorCode.NOT_FOUND, "no object at storage key '" + key + "'");
    }

    private static PicPeakException failure(String what, IOException e) {
        String reason = e instanceof AccessDeniedException ? "permission denied" : e.toString();
        return new PicPeakException(ErrorCode.STORAGE_FAILURE, what + ": " + reason, e);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover temp file is a dot-file that nothing imports or lists
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read channel cannot lose data
        }
    }
}
