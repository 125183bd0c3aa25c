/// A record mode was asked for without an upstream.
public struct RecordingConfigurationError: Error, CustomStringConvertible {
    public var description: String
}
