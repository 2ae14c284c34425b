using System.Text;

namespace Serverless.Delta.Actions;

/// <summary>
/// add/remove paths are URIs (RFC 2396) relative to the table root; store paths are the decoded form.
/// </summary>
public static class DeltaPath
{
    /// <summary>Decodes %XX escapes; a path without '%' is returned as is (no allocation).</summary>
    public static string Decode(string uriPath)
    {
        ArgumentNullException.ThrowIfNull(uriPath);
        return uriPath.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(uriPath) : uriPath;
    }

    /// <summary>Encodes a store-relative path for the log: every byte outside the RFC 3986 unreserved set and '/' is escaped.</summary>
    public static string Encode(string storePath)
    {
        ArgumentNullException.ThrowIfNull(storePath);
        var needs = false;
        foreach (var c in storePath)
        {
            if (!IsSafe(c))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return storePath;
        }

        var sb = new StringBuilder(storePath.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in storePath.EnumerateRunes())
        {
            if (rune.IsAscii && IsSafe((char)rune.Value))
            {
                sb.Append((char)rune.Value);
                continue;
            }

            var n = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < n; i++)
            {
                sb.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~' or '/' or '=';
}
