/// This build's version, written into recorded fixtures' metadata.
public enum MockScopeVersion {
    public static let current = "0.1.0"
}
