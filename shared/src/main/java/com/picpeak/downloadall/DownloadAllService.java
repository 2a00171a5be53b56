package com.picpeak.downloadall;

import com.picpeak.catalog.DownloadAllRecord;
import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.media.RenditionMaker;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.rendition.TierRenditions;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.Progress;
import com.picpeak.jobs.StepResult;
import com.picpeak.zip.PhotoZips;
import com.picpeak.zip.ZipBuild;
import com.picpeak.zip.ZipItem;
import com.picpeak.zip.ZipParts;
import com.picpeak.zip.ZipPlan;
import com.picpeak.zip.ZipSlice;
import com.picpeak.zip.ZipWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static com.picpeak.rendition.TierRenditions.lookOf;

/**
 * Download All. The archive of an event is a pure function of its photo set, so its bytes, its length and
 * its ETag (slug, revision and variant) are known before anything is written: any byte range of it can be
 * rendered straight from the originals ({@link #slice}), or served from the cached copy at
 * {@link Keys#downloadCache}, with identical bytes. The cache is built by a job (one per event, variant and
 * revision: asking again returns the same job) that fans out into part jobs rendered in parallel
 * ({@link ZipParts}), is checked without a second read (each photo's CRC-32, the parts' digests, the length),
 * and only then marked READY; the caches of older revisions are removed. A build that fails for good is
 * marked FAILED with its reason and is not started again for that revision: guests are told, instead of
 * waiting for ever.
 */
public final class DownloadAllService {
    private static final Logger log = LoggerFactory.getLogger(DownloadAllService.class);
    public static final String ORIGINALS = "originals";

    private final Catalog catalog;
    private final BlobStore store;
    private final RenditionMaker watermarks;
    /** The sized downloads' renditions (null: this instance offers the originals archive only). */
    private final TierRenditions sizes;
    private final Clock clock;
    private Jobs jobs;
    private ZipParts zipParts;
    /** Plans by build target (slug, variant, revision: the photo set is fixed), bounded: every part job plans. */
    private final Map<String, ZipPlan> plans = Collections.synchronizedMap(
            new LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ZipPlan> eldest) {
                    return size() > 4;
                }
            });
    /** Planned lengths of originals archives by slug and revision (the revision fixes the photo set), bounded. */
    private final Map<String, Long> plannedLengths = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > 1024;
                }
            });

    /** Download All of originals (and their watermarked copies) only: no sized archives. */
    public DownloadAllService(Catalog catalog, BlobStore store, RenditionMaker watermarks, Clock clock) {
        this(catalog, store, watermarks, null, clock);
    }

    /** @param sizes makes the sized renditions of a sized archive ({@code ?size=large|web}) */
    public DownloadAllService(Catalog catalog, BlobStore store, RenditionMaker watermarks, TierRenditions sizes,
                              Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.watermarks = watermarks;
        this.sizes = sizes;
        this.clock = clock;
    }

    /**
     * Where builds are submitted and how their parts are written (wired after construction: the steps are
     * registered with the jobs).
     */
    public void useJobs(Jobs buildJobs, ZipParts parts) {
        this.jobs = buildJobs;
        this.zipParts = parts;
    }

    /**
     * The event's archive as it is now. A ready archive is served from its cached file (its length from
     * the build record); a not-ready originals archive carries its plan, so it can be streamed at once; a
     * not-ready watermarked or sized one has neither plan nor length (its copies must be rendered by its build).
     * The variant, and so the key and the ETag, names the size and the rendition version of a sized archive.
     */
    public record Archive(Event event, String variant, String key, ZipPlan plan, long length, boolean ready,
                          DownloadSize size) {
        public String etag() {
            return event.slug() + "-r" + event.revision() + (ORIGINALS.equals(variant) ? "" : "-" + variant);
        }

        /** {@code <slug>.zip}, or {@code <slug>-web.zip} for a sized archive. */
        public String fileName() {
            return event.slug() + (size == DownloadSize.ORIGINAL ? "" : "-" + size.wireName()) + ".zip";
        }

        /** Whether the archive can be written now, straight from storage (the originals variant can). */
        public boolean streamable() {
            return plan != null;
        }
    }


    /** The archive of the event's current photos, and whether its cached copy is ready. */
    public Archive current(Event event) {
        return current(event, DownloadSize.ORIGINAL);
    }

    /**
     * The archive of the event's current photos at {@code size} (the originals, or JPEGs fitted into the size's
     * long edge), and whether its cached copy is ready. Whether the event offers the size is the caller's check.
     */
    public Archive current(Event event, DownloadSize size) {
        if (event.photoCount() == 0) {
            throw new PicPeakException(ErrorCode.NO_PHOTOS, "gallery '" + event.slug()
                    + "' has no photos yet: there is nothing to download");
        }
        String variant = variant(event, size);
        String key = Keys.downloadCache(event.slug(), event.revision(), variant);
        Optional<DownloadAllRecord> ready = readyAndPresent(event.slug(), variant, event.revision(), key);
        if (ready.isPresent()) { // the revision fixes the photo set: no need to page the catalog again
            return new Archive(event, variant, key, null, ready.get().length(), true, size);
        }
        if (!ORIGINALS.equals(variant)) {
            return new Archive(event, variant, key, null, -1, false, size);
        }
        ZipPlan plan = plan(event.slug());
        plannedLengths.put(event.slug() + "@" + event.revision(), plan.length());
        return new Archive(event, variant, key, plan, plan.length(), false, size);
    }

    /**
     * The byte size of Download All as a guest would get it now, to show before it starts: the ready copy's
     * length, else the planned length of the originals archive (remembered per revision, so a page view
     * does not read every photo row again). Empty when it cannot be known yet: no photos, a watermarked
     * archive whose copies are not rendered, or watermarking without a watermark image.
     */
    public OptionalLong expectedLength(Event event) {
        if (event.photoCount() == 0) {
            return OptionalLong.empty();
        }
        String variant;
        try {
            variant = variant(event);
        } catch (PicPeakException e) {
            if (e.errorCode() != ErrorCode.WATERMARK_UNAVAILABLE) {
                throw e; // storage not answering is not "unknown": the guest is told to try again
            }
            return OptionalLong.empty();
        }
        String key = Keys.downloadCache(event.slug(), event.revision(), variant);
        Optional<DownloadAllRecord> ready = readyAndPresent(event.slug(), variant, event.revision(), key);
        if (ready.isPresent()) {
            return OptionalLong.of(ready.get().length());
        }
        if (!ORIGINALS.equals(variant)) {
            return OptionalLong.empty();
        }
        String revisionKey = event.slug() + "@" + event.revision();
        Long planned = plannedLengths.get(revisionKey);
        if (planned == null) { // planned outside the map's lock: paging the catalog must not hold up other events
            planned = plan(event.slug()).length();
            plannedLengths.put(revisionKey, planned);
        }
        return OptionalLong.of(planned);
    }

    /**
     * The READY record of a cached archive whose file is really there. A READY record whose file is gone
     * (removed by an archive, not migrated, deleted by hand) is marked FAILED, so the next build may claim it.
     */
    private Optional<DownloadAllRecord> readyAndPresent(String slug, String variant, long revision, String key) {
        Optional<DownloadAllRecord> ready = catalog.findDownloadAll(slug, variant, revision)
                .filter(r -> r.state() == DownloadAllRecord.State.READY);
        if (ready.isPresent() && store.head(key).map(BlobInfo::size).orElse(-1L) != ready.get().length()) {
            log.warn("the cached file {} is missing or has another size: it is built again", key);
            catalog.deleteDownloadAllRecordsExcept(slug, variant, -1); // not a failed build: the next request builds
            return Optional.empty();
        }
        return ready;
    }

    /** {@value #ORIGINALS}, or {@code wm-<version>} when downloads are watermarked (a new watermark, a new variant). */
    private String variant(Event event) {
        if (!event.watermarkDownloads()) {
            return ORIGINALS;
        }
        return "wm-" + watermarks.resolve(lookOf(event)).map(RenditionMaker.Watermark::version)
                .orElseThrow(() -> new PicPeakException(ErrorCode.WATERMARK_UNAVAILABLE, "downloads of gallery '"
                        + event.slug() + "' are to be watermarked but no watermark image is set: PUT a PNG to "
                        + "/api/admin/events/" + event.slug() + "/watermark or /api/admin/watermark"));
    }

    /**
     * The variant of a sized archive: {@code <size>-<rendition version>} ({@code web-r1}, or {@code web-r1-wm<version>}
     * while downloads are watermarked): a new renderer or a new watermark never reuses an archive.
     */
    private String variant(Event event, DownloadSize size) {
        if (size == DownloadSize.ORIGINAL) {
            return variant(event);
        }
        if (sizes == null) {
            throw new IllegalStateException("this Download All was set up without renditions: no sized archives");
        }
        return size.wireName() + "-" + sizes.version(event, size.tier());
    }

    /** The size a variant names: {@code web-r1} is "web"; the originals and their watermarked copies, the original. */
    static DownloadSize sizeOf(String variant) {
        for (DownloadSize size : List.of(DownloadSize.LARGE, DownloadSize.WEB)) {
            if (variant.startsWith(size.wireName() + "-")) {
                return size;
            }
        }
        return DownloadSize.ORIGINAL;
    }

    /** Writes the archive from the original photos (the same bytes as the cached copy). */
    public void writeFromOriginals(Archive archive, OutputStream out) throws IOException {
        if (!archive.streamable()) {
            throw new IllegalStateException("only a not-ready originals archive is streamed; a ready one is served from "
                    + archive.key());
        }
        ZipWriter.write(archive.plan(), item -> store.get(item.storageKey()).stream(), out);
    }

    /**
     * Bytes {@code [from, to)} of a not-ready originals archive, rendered from its plan and ranged reads of the
     * originals (every photo checked as it passes): the same bytes the cached copy will hold.
     */
    public ZipSlice slice(Archive archive, long from, long to) {
        if (!archive.streamable()) {
            throw new IllegalStateException("only a not-ready originals archive is rendered; a ready one is served from "
                    + archive.key());
        }
        return ZipSlice.of(archive.plan(), store, from, to);
    }

    /** What a Download All build job is about: one event, variant and revision. */
    public record BuildTarget(String slug, String variant, long revision) {
        String target() {
            return slug + "/" + variant + "/" + revision;
        }

        static BuildTarget parse(String target) {
            String[] parts = target.split("/");
            return new BuildTarget(parts[0], parts[1], Long.parseLong(parts[2]));
        }
    }

    /**
     * Asks for the cached copy of this archive to be built (once: asking again finds the same job).
     *
     * @throws PicPeakException DOWNLOAD_ALL_FAILED when its build failed for good (a new revision builds anew)
     */
    public void requestBuild(Archive archive) {
        Event event = archive.event();
        Optional<DownloadAllRecord> failed = catalog.findDownloadAll(event.slug(), archive.variant(), event.revision())
                .filter(r -> r.state() == DownloadAllRecord.State.FAILED);
        if (failed.isPresent()) {
            throw new PicPeakException(ErrorCode.DOWNLOAD_ALL_FAILED, "the archive of gallery '" + event.slug()
                    + "' could not be prepared (" + failed.get().error() + "): the photographer has been told; "
                    + "it is prepared anew once the gallery changes");
        }
        BuildTarget target = new BuildTarget(event.slug(), archive.variant(), event.revision());
        jobs.submit(JobKind.DOWNLOAD_ALL_BUILD, target.target(), target);
    }

    /**
     * Where a build is: rendering watermarked copies, starting the object, submitting part jobs
     * ({@code submitted} so far), waiting for them (failed parts submitted again {@code retries} times), completing.
     */
    /** {@code looks}: how often the build looked at its parts while waiting (its next look backs off). */
    public record BuildCheckpoint(String phase, int rendered, ZipBuild.State build, int submitted, int retries, int looks) {
        BuildCheckpoint in(String next) {
            return new BuildCheckpoint(next, rendered, build, submitted, retries, looks);
        }
    }

    /** Rounds of submitting failed parts again before the build gives up (each part has its own attempts too). */
    static final int PART_RETRY_ROUNDS = 3;

    /**
     * The build job's step: renders watermarked copies if the variant needs them, starts the unfinished object
     * with parts of {@code partBytes}, fans out into {@link JobKind#DOWNLOAD_ALL_PART} jobs (see {@link ZipParts}),
     * waits for them with its worker freed, then completes and checks the object.
     */
    public JobStep buildStep(long partBytes) {
        return JobStep.of((job, deadline) -> buildStep(job, deadline, partBytes), (job, reason, passing) -> {
            BuildTarget target = JobJson.read(job.params(), BuildTarget.class);
            BuildCheckpoint at = JobJson.read(job.checkpoint(), BuildCheckpoint.class);
            if (at != null) {
                zipParts.abort(at.build());
            }
            if (passing) { // storage was down: the next guest's request builds it anew, nothing is "failed"
                catalog.deleteDownloadAllRecordsExcept(target.slug(), target.variant(), -1);
            } else {
                catalog.finishDownloadAllBuild(target.slug(), target.variant(), target.revision(),
                        DownloadAllRecord.State.FAILED, 0, reason);
            }
        });
    }

    /** The step of a part job: one part of the archive of its build's target, rendered from the plan. */
    public JobStep partStep() {
        return zipParts.partStep(task -> planOf(BuildTarget.parse(task.subject())));
    }

    private StepResult buildStep(Job job, Deadline deadline, long partBytes) {
        BuildTarget target = JobJson.read(job.params(), BuildTarget.class);
        String slug = target.slug();
        String key = Keys.downloadCache(slug, target.revision(), target.variant());
        BuildCheckpoint at = JobJson.read(job.checkpoint(), BuildCheckpoint.class);
        Event event = catalog.findEvent(slug).orElse(null);
        DownloadSize size = sizeOf(target.variant());
        if (event == null || event.revision() != target.revision()
                || !variant(event, size).equals(target.variant())) {
            zipParts.abort(at == null ? null : at.build());
            return StepResult.done(Progress.of("superseded", 0, 0, "bytes"), JobJson.write(Map.of("key", key,
                    "outcome", "superseded: the gallery changed, its next Download All builds the new one")));
        }
        boolean copiesFirst = !ORIGINALS.equals(target.variant()); // watermarked or sized: rendered before the plan
        if (at == null) {
            if (readyAndPresent(slug, target.variant(), target.revision(), key).isPresent()) {
                return StepResult.done(Progress.of("ready", 1, 1, "archives"),
                        JobJson.write(Map.of("key", key, "outcome", "ready already")));
            }
            catalog.finishDownloadAllBuild(slug, target.variant(), target.revision(), DownloadAllRecord.State.BUILDING, 0,
                    null);
            at = new BuildCheckpoint(copiesFirst ? "rendering" : "starting", 0, null, 0, 0, 0);
        }
        switch (at.phase()) {
            case "rendering" -> {
                List<Photo> photos = catalog.photosOf(slug);
                int rendered = at.rendered();
                int first = rendered;
                while (rendered < photos.size() && (rendered == first || !deadline.passed())) { // one at least
                    Photo photo = photos.get(rendered);
                    if (size == DownloadSize.ORIGINAL) {
                        watermarks.copyOf(lookOf(event), photo.id(), photo.key()); // kept: the plan reads it back
                    } else { // made with its size and CRC-32 recorded, so the plan knows each entry before writing
                        sizes.withCrc32(event, photo, size.tier());
                    }
                    rendered++;
                }
                String phase = rendered < photos.size() ? "rendering" : "starting";
                String what = size == DownloadSize.ORIGINAL ? "rendering watermarked copies"
                        : "rendering " + size.wireName() + " copies";
                return StepResult.progress(Progress.of(what, rendered, photos.size(), "photos"),
                        JobJson.write(new BuildCheckpoint(phase, rendered, null, 0, 0, 0)));
            }
            case "starting" -> {
                ZipPlan plan = planOf(target);
                ZipBuild.State build = zipParts.start(key, plan, partBytes);
                return StepResult.progress(Progress.of("submitting parts", 0, build.parts(), "parts"),
                        JobJson.write(new BuildCheckpoint("submitting", at.rendered(), build, 0, 0, 0)));
            }
            case "submitting" -> {
                ZipPlan plan = planOf(target);
                int submitted = zipParts.fanOut(JobKind.DOWNLOAD_ALL_PART, target.target(), job.id(), at.build(),
                        plan.length(), at.submitted(), deadline);
                String phase = submitted < at.build().parts() ? "submitting" : "waiting";
                return StepResult.progress(Progress.of("submitting parts", submitted, at.build().parts(), "parts"),
                        JobJson.write(new BuildCheckpoint(phase, at.rendered(), at.build(), submitted, 0, 0)));
            }
            case "waiting" -> {
                ZipBuild.State build = at.build();
                ZipParts.Count count = zipParts.count(build);
                if (count.written() == build.parts()) {
                    return StepResult.progress(Progress.of("completing", build.parts(), build.parts(), "parts"),
                            JobJson.write(at.in("completing")));
                }
                int retries = at.retries();
                if (count.failures() > 0) { // a refusal fails the build here; a passing failure is tried again alone
                    zipParts.retryFailed(JobKind.DOWNLOAD_ALL_PART, target.target(), job.id(), build,
                            planOf(target).length(), at.retries() < PART_RETRY_ROUNDS);
                    retries++;
                }
                BuildCheckpoint next = new BuildCheckpoint("waiting", at.rendered(), build, at.submitted(), retries,
                        at.looks() + 1);
                return StepResult.waiting(Progress.of("writing parts", count.written(), build.parts(), "parts"),
                        JobJson.write(next), ZipParts.recheckAfter(at.looks()));
            }
            case "completing" -> { // safe to repeat: an upload completed before a crash is found whole
                ZipPlan plan = planOf(target);
                ZipBuild.State build = at.build();
                zipParts.complete(plan, build);
                catalog.finishDownloadAllBuild(slug, target.variant(), target.revision(), DownloadAllRecord.State.READY,
                        plan.length(), null);
                removeStale(slug, key, target.variant(), target.revision());
                log.info("built {} ({} photos, {} bytes in {} parts)", key, plan.entries().size(), plan.length(),
                        build.parts());
                return StepResult.done(Progress.of("ready", plan.length(), plan.length(), "bytes"),
                        JobJson.write(Map.of("key", key, "outcome", "built", "size", plan.length(), "parts", build.parts())));
            }
            case "writing" -> { // a build of the sequential kind, interrupted by an upgrade: started again in parts
                zipParts.abort(at.build());
                return StepResult.progress(Progress.of("starting", 0, 0, "parts"), JobJson.write(at.in("starting")));
            }
            default -> throw new IllegalStateException("unknown phase " + at.phase());
        }
    }

    /** The plan of a build's archive, planned once per process and target (its photo set is fixed). */
    private ZipPlan planOf(BuildTarget target) {
        ZipPlan plan = plans.get(target.target());
        if (plan == null) {
            if (ORIGINALS.equals(target.variant())) {
                plan = plan(target.slug());
            } else {
                Event event = catalog.findEvent(target.slug()).orElseThrow(() -> new PicPeakException(
                        ErrorCode.EVENT_NOT_FOUND, "gallery '" + target.slug() + "' is gone: its archive is not built"));
                DownloadSize size = sizeOf(target.variant());
                plan = size == DownloadSize.ORIGINAL ? planWatermarked(event) : planSized(event, size);
            }
            plans.put(target.target(), plan);
        }
        return plan;
    }

    /** Renders the watermarked copies that are missing, then plans the archive from the copies. */
    ZipPlan planWatermarked(Event event) {
        try (Stream<Photo> photos = catalog.allPhotos(event.slug())) {
            return ZipPlan.of(photos.map(photo -> {
                RenditionMaker.Copy copy = watermarks.copyOf(lookOf(event), photo.id(), photo.key());
                return new ZipItem(RenditionMaker.jpegName(photo.filename()), copy.key(), copy.size(), copy.crc32(),
                        PhotoZips.timeOf(photo));
            }).toList());
        }
    }

    /**
     * Plans the archive of the photos at {@code size} from their renditions (made first when missing; their sizes and
     * CRC-32 recorded when made), each named {@code <name>-<size>.jpg}.
     */
    ZipPlan planSized(Event event, DownloadSize size) {
        try (Stream<Photo> photos = catalog.allPhotos(event.slug())) {
            return ZipPlan.of(photos.map(photo -> {
                TierRenditions.Rendition sized = sizes.withCrc32(event, photo, size.tier());
                return new ZipItem(size.fileName(photo.filename()), sized.key(), sized.size(), sized.crc32(),
                        PhotoZips.timeOf(photo));
            }).toList());
        }
    }

    /** The plan of the event's photos in upload order, read from the catalog a page at a time. */
    ZipPlan plan(String slug) {
        return PhotoZips.plan(catalog, slug);
    }

    /**
     * Removes the caches of older revisions (any variant): a newer revision's cache may be being built by
     * another process and must not be touched. Records of this variant's other revisions go too.
     */
    private void removeStale(String slug, String keep, String variant, long revision) {
        String folder = Keys.downloadCacheFolder(slug);
        try (Stream<BlobInfo> cached = store.list(folder)) {
            cached.map(BlobInfo::key).filter(k -> !k.equals(keep) && revisionOf(k.substring(folder.length())) < revision)
                    .forEach(store::delete);
        }
        catalog.deleteDownloadAllRecordsExcept(slug, variant, revision);
    }

    /** The revision a cache file name starts with ({@code 12.zip}, {@code 12-wm-abc.zip}); MAX for anything else. */
    private static long revisionOf(String fileName) {
        int end = 0;
        while (end < fileName.length() && Character.isDigit(fileName.charAt(end))) {
            end++;
        }
        return end == 0 ? Long.MAX_VALUE : Long.parseLong(fileName.substring(0, end));
    }
}
