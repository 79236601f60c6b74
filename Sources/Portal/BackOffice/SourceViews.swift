import CookieCharter
import Foundation
import Store
import Web

/// The values of a source's form: what the publisher typed, or the stored source.
struct SourceFormView {
    var url = ""
    var daily = true
    var everyMinutes = "60"
    var dailyTime = "03:00"
    var delimiter = ""
    var encoding = ""
    var sheet = ""
    var fieldTypes = ""
    /// The list fields, one `NAME=SEPARATOR` a line.
    var fieldSeparators = ""

    init() {}

    /// The stored `source`, its URL's credentials masked.
    init(source: DatasetSource) {
        url = source.redactedURL
        switch source.schedule {
        case .every(let minutes):
            daily = false
            everyMinutes = String(minutes)
        case .daily(let hour, let minute):
            dailyTime = SourceSchedule.clock(hour: hour, minute: minute)
        }
        delimiter = source.options.delimiter ?? ""
        encoding = source.options.encoding ?? ""
        sheet = source.options.sheet ?? ""
        fieldTypes = source.options.fieldTypes.joined(separator: "\n")
        fieldSeparators = source.options.fieldSeparators.joined(separator: "\n")
    }

    /// What a refused form sent, to show it again.
    init(form: FormData) {
        url = form["url"] ?? ""
        daily = form["schedule"] != "every"
        everyMinutes = form["every_minutes"] ?? ""
        dailyTime = form["daily_time"] ?? ""
        delimiter = form["delimiter"] ?? ""
        encoding = form["encoding"] ?? ""
        sheet = form["sheet"] ?? ""
        fieldTypes = form["field_types"] ?? ""
        fieldSeparators = form["field_separators"] ?? ""
    }

    var values: [String: Any] {
        [
            "url": url, "daily": daily, "every": !daily, "every_minutes": everyMinutes, "daily_time": dailyTime,
            "delimiter": delimiter, "encoding": encoding, "sheet": sheet, "field_types": fieldTypes,
            "field_separators": fieldSeparators,
        ]
    }
}

/// Turns sources and their runs into the values the back-office templates show.
enum SourceViews {
    /// A source in the list and atop its page.
    static func summary(_ source: DatasetSource, language: Language, catalog: Catalog) -> [String: Any] {
        var values: [String: Any] = [
            "dataset_id": source.datasetID,
            "url": source.redactedURL,
            "schedule": schedule(source.schedule, language: language, catalog: catalog),
            "next": time(source.nextRunAt),
            "next_iso": source.nextRunAt.formatted(.iso8601),
            "running": source.leaseUntil != nil,
        ]
        if let outcome = source.lastOutcome {
            values["last_outcome"] = catalog.text("bo_source_outcome_\(outcome.rawValue)", in: language)
            values["last_failed"] = outcome == .failed
        }
        if let last = source.lastRunAt {
            values["last_run"] = time(last)
            values["last_run_iso"] = last.formatted(.iso8601)
        }
        return values
    }

    /// A run in the list of last runs.
    static func run(_ run: SourceRun, language: Language, catalog: Catalog) -> [String: Any] {
        var values: [String: Any] = [
            "started": time(run.startedAt),
            "started_iso": run.startedAt.formatted(.iso8601),
            "seconds": String(format: "%.1f", max(0, run.finishedAt.timeIntervalSince(run.startedAt))),
            "trigger": catalog.text("bo_source_trigger_\(run.trigger.rawValue)", in: language),
            "outcome": catalog.text("bo_source_outcome_\(run.outcome.rawValue)", in: language),
            "outcome_code": run.outcome.rawValue,
            "failed": run.outcome == .failed,
            "detail": run.detail,
        ]
        if let bytes = run.bytes { values["size"] = NumberFormat.integer(bytes, language: language) }
        return values
    }

    /// `every 30 minutes`, `daily at 03:00 (Paris time)`, in `language`.
    static func schedule(_ schedule: SourceSchedule, language: Language, catalog: Catalog) -> String {
        switch schedule {
        case .every(let minutes):
            catalog.text("bo_source_every_minutes", in: language, ["minutes": String(minutes)])
        case .daily(let hour, let minute):
            catalog.text("bo_source_daily_at", in: language, ["time": SourceSchedule.clock(hour: hour, minute: minute)])
        }
    }

    /// `2026-12-05 03:00` in the time zone of daily schedules (Europe/Paris), which the page names.
    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = SourceSchedule.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return (value < 10 ? "0" : "") + String(value)
        }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }
}
