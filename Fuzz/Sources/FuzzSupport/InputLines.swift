/// How the fuzz targets cut one input into several parameters.
public enum InputLines {
    /// The input as text (invalid UTF-8 repaired, as a server decodes it), split on line feeds into exactly
    /// `count` parts: missing ones are empty, and the last part keeps any further line feeds.
    public static func split(_ data: UnsafePointer<UInt8>, _ size: Int, into count: Int) -> [String] {
        let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
        var parts = text.split(separator: "\n", maxSplits: count - 1, omittingEmptySubsequences: false).map(String.init)
        while parts.count < count { parts.append("") }
        return parts
    }
}
