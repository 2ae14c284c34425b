namespace Serverless.Storage;

/// <summary>What a store knows of one object.</summary>
/// <param name="Path">Path relative to the store root, '/'-separated.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="LastModified">Last write time as the store reports it.</param>
/// <param name="ETag">Version tag for conditional requests (null where the store has none).</param>
public sealed record ObjectInfo(string Path, long Size, DateTimeOffset LastModified, string? ETag);
