import Logging

/// swift-log's handler for the CLI: every message goes through one `BufferedLogWriter`, so the
/// exchange lines and the rest stay in order, in the text layout of swift-log's
/// `StreamLogHandler` (`<time> <level> <label>: [<source>] <message>`) or as JSON objects.
public struct BufferedLogHandler: LogHandler {
    public let label: String
    public let writer: BufferedLogWriter
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(label: String, writer: BufferedLogWriter, level: Logger.Level) {
        self.label = label
        self.writer = writer
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let format = writer.format
        let message = event.message.description
        writer.line { bytes, timestamp in
            switch format {
            case .text:
                bytes.append(contentsOf: timestamp)
                bytes.append(0x20)
                bytes.append(contentsOf: event.level.rawValue.utf8)
                bytes.append(0x20)
                bytes.append(escaped: label, .text)
                bytes.append(0x3A)
                for (key, value) in all.sorted(by: { $0.key < $1.key }) {
                    bytes.append(0x20)
                    bytes.append(escaped: "\(key)=\(value)", .text)
                }
                bytes.append(ascii: " [")
                bytes.append(escaped: event.source, .text)
                bytes.append(ascii: "] ")
                bytes.append(escaped: message, .text)
            case .json:
                BufferedLogHandler.jsonHead(&bytes, timestamp: timestamp, level: event.level, label: label)
                bytes.append(ascii: ",\"source\":")
                bytes.append(jsonString: event.source)
                bytes.append(ascii: ",\"message\":")
                bytes.append(jsonString: message)
                if !all.isEmpty {
                    bytes.append(ascii: ",\"metadata\":{")
                    for (index, (key, value)) in all.sorted(by: { $0.key < $1.key }).enumerated() {
                        if index > 0 { bytes.append(0x2C) }
                        bytes.append(jsonString: key)
                        bytes.append(0x3A)
                        bytes.append(jsonString: "\(value)")
                    }
                    bytes.append(0x7D)
                }
                bytes.append(0x7D)
            }
        }
    }

    /// `{"time":"…","level":"…","label":"…"` (the object stays open).
    static func jsonHead(_ bytes: inout [UInt8], timestamp: [UInt8], level: Logger.Level, label: String) {
        bytes.append(ascii: "{\"time\":\"")
        bytes.append(contentsOf: timestamp)
        bytes.append(ascii: "\",\"level\":\"")
        bytes.append(contentsOf: level.rawValue.utf8)
        bytes.append(ascii: "\",\"label\":")
        bytes.append(jsonString: label)
    }
}
