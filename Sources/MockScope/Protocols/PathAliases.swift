/// Paths on which DashScope serves one API under a second prefix: the coding plan's base URL
/// (`https://coding.dashscope.aliyuncs.com/v1`, docs/protocol-notes.md "coding plan"). Fixtures
/// are matched on the path an alias stands for, so one recorded on either path answers both.
enum PathAliases {
    /// The path `path` stands for (itself when it is no alias).
    static func canonical(_ path: String) -> String {
        // Every alias starts with `/v1/`: other paths are passed by one prefix check.
        guard path.hasPrefix("/v1/") else { return path }
        switch path {
        case CompatibleChatModule.codingPlanPath: return CompatibleChatModule.path
        case CompatibleModelsModule.codingPlanPath: return CompatibleModelsModule.path
        default: return path
        }
    }
}
