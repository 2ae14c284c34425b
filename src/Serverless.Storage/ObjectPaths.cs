namespace Serverless.Storage;

/// <summary>
/// Rules every store applies to object paths, so a path that works on a local folder works on Blob
/// storage too: relative, '/'-separated, no empty, '.' or '..' segments, no backslashes or control characters.
/// </summary>
internal static class ObjectPaths
{
    /// <summary>File names that mark an unpublished upload in a local folder; object names may not use it.</summary>
    public const string StagingFilePrefix = ".~staging-";

    public static void ValidatePath(string path, string location)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw new ArgumentException($"An object path in {location} must not be empty.", nameof(path));
        }

        if (path[^1] == '/')
        {
            throw new ArgumentException(
                $"Object path '{path}' in {location} ends with '/'; an object path names a file, e.g. 'folder/file.json'.", nameof(path));
        }

        ValidateSegments(path, location, nameof(path));
    }

    /// <summary>A listing prefix: empty (everything) or a path start that may end with '/'.</summary>
    public static void ValidatePrefix(string prefix, string location)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return;
        }

        ValidateSegments(prefix[^1] == '/' ? prefix[..^1] : prefix, location, nameof(prefix));
    }

    private static void ValidateSegments(string path, string location, string parameterName)
    {
        if (path.Length == 0 || path[0] == '/' || Path.IsPathRooted(path))
        {
            throw new ArgumentException(
                $"Object path '{path}' in {location} is absolute; use a path relative to the store root without a leading '/'.", parameterName);
        }

        foreach (var c in path)
        {
            if (c == '\\')
            {
                throw new ArgumentException(
                    $"Object path '{path}' in {location} contains '\\'; separate folders with '/'.", parameterName);
            }

            if (char.IsControl(c))
            {
                throw new ArgumentException(
                    $"Object path '{path}' in {location} contains the control character U+{(int)c:X4}; remove it.", parameterName);
            }
        }

        var start = 0;
        while (start <= path.Length)
        {
            var end = path.IndexOf('/', start);
            if (end < 0)
            {
                end = path.Length;
            }

            var segment = path.AsSpan(start, end - start);
            if (segment.Length == 0)
            {
                throw new ArgumentException(
                    $"Object path '{path}' in {location} has an empty segment ('//'); remove the doubled '/'.", parameterName);
            }

            if (segment is "." or "..")
            {
                throw new ArgumentException(
                    $"Object path '{path}' in {location} has a '{segment}' segment; paths may not navigate, name the object directly.", parameterName);
            }

            if (segment.StartsWith(StagingFilePrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Object path '{path}' in {location} has a segment starting with '{StagingFilePrefix}', which is reserved for unpublished uploads; rename it.",
                    parameterName);
            }

            start = end + 1;
        }
    }
}
