/// The task API's bodies (docs/protocol-notes.md, tasks): a task's `output` as `GET
/// /api/v1/tasks/{id}` states it at a moment, and the wholes built from it.
enum TaskAnswer {
    /// `{"request_id":…,"output":{…},"usage":{…}}` for `task` at `nowMs` (usage once it succeeded).
    static func query(_ task: AsyncTask, at nowMs: Double, requestID: String) -> String {
        let status = task.status(at: nowMs)
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("output", object: { out in output(task, status: status, into: &out) })
            if status == .succeeded { o.field("usage", object: { u in usage(task, into: &u) }) }
        }
        return writer.text
    }

    /// A task's `output` fields at `status`.
    static func output(_ task: AsyncTask, status: TaskStatus, into out: inout JSONWriter.ObjectWriter) {
        out.field("task_id", string: task.id)
        out.field("task_status", string: status.rawValue)
        out.field("submit_time", string: MockTime.taskStamp(task.submittedMs))
        if status != .pending, status != .canceled { out.field("scheduled_time", string: MockTime.taskStamp(task.scheduledMs)) }
        if status.isFinal { out.field("end_time", string: MockTime.taskStamp(task.endMs)) }
        guard status == .succeeded else { return }
        if let videoURL = task.videoURL {
            out.field("orig_prompt", string: task.prompt)
            out.field("actual_prompt", string: task.prompt)
            out.field("video_url", string: videoURL)
            return
        }
        out.field("results", array: (0..<task.count).map { index in { w in
            w.object { r in
                r.field("orig_prompt", string: task.prompt)
                r.field("actual_prompt", string: task.prompt)
                r.field("url", string: task.imageURL(index))
            }
        } })
        out.field("task_metrics", object: { m in
            m.field("TOTAL", .number(Double(task.count)))
            m.field("SUCCEEDED", .number(Double(task.count)))
            m.field("FAILED", .number(0))
        })
    }

    /// A finished task's `usage`: images `{"image_count":n}`; a video `{"duration":5,
    /// "size":"1280*720","fps":24,"video_count":1,"SR":"720"}` (docs/protocol-notes.md, tasks).
    static func usage(_ task: AsyncTask, into u: inout JSONWriter.ObjectWriter) {
        switch task.kind {
        case .image:
            u.field("image_count", .number(Double(task.count)))
        case .video(let seconds, let tier):
            u.field("duration", .number(Double(seconds)))
            u.field("size", string: "\(task.width)*\(task.height)")
            u.field("fps", .number(Double(GeneratedVideoModule.framesPerSecond)))
            u.field("video_count", .number(Double(task.count)))
            u.field("SR", string: tier)
        }
    }

    /// The answer to a create call: `{"request_id":…,"output":{"task_id":…,"task_status":"PENDING"}}`.
    static func created(_ task: AsyncTask, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("output", object: { out in
                out.field("task_id", string: task.id)
                out.field("task_status", string: TaskStatus.pending.rawValue)
            })
        }
        return writer.text
    }

    /// An id the server does not know: `UNKNOWN` (docs/protocol-notes.md, tasks [unverified]).
    static func unknown(_ id: String, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("output", object: { out in
                out.field("task_id", string: id)
                out.field("task_status", string: TaskStatus.unknown.rawValue)
            })
        }
        return writer.text
    }
}
