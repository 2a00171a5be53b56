package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Page;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobState;
import com.picpeak.jobs.JobStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.Map;

/** The admin's view of jobs (behind {@link RequestGate}): one by id, or a page of them. */
@RestController
public class JobsController {
    private final PicPeakRuntime runtime;

    public JobsController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    static String jobUrl(String id) {
        return "/api/admin/jobs/" + id;
    }

    /** What every route that starts a job answers: 202, where to follow it, and the job as it is now. */
    static ResponseEntity<Map<String, Object>> accepted(JobStore.Submission submission) {
        Job job = submission.job();
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(jobUrl(job.id()))).body(Json.job(job));
    }

    @GetMapping("/api/admin/jobs/{id}")
    Map<String, Object> job(@PathVariable String id) {
        return Json.job(runtime.jobs().find(id).orElseThrow(() -> new PicPeakException(ErrorCode.NOT_FOUND,
                "no job '" + id + "' (finished jobs are kept 30 days)")));
    }

    @GetMapping("/api/admin/jobs")
    Map<String, Object> jobs(@RequestParam(required = false) String state, @RequestParam(required = false) String kind,
                             @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor) {
        int checkedLimit = PagedJson.limit(limit, 200);
        Page<Job> page = runtime.jobs().list(state == null || state.isBlank() ? null : JobState.fromWireName(state),
                kind == null || kind.isBlank() ? null : JobKind.fromWireName(kind), checkedLimit, cursor);
        return PagedJson.of("jobs", page, Json::job);
    }
}
