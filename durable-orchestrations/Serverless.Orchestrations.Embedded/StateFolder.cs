using System.Text;

namespace Serverless.Orchestrations.Embedded;

/// <summary>
/// The files of one hub's state folder. Every file is written whole under a temporary name, flushed to disk and renamed
/// over its final name, so after a kill -9 (or power loss) a file either holds what was acknowledged or is absent.
/// Without the flush (<see cref="FileOrchestrationServiceOptions.FlushToDisk"/> off) a kill -9 still loses nothing,
/// as the written pages stay in the operating system's cache; only a machine crash could.
/// </summary>
internal static class StateFolder
{
    public const string BatchPrefix = "b-";
    public const string MessagePrefix = "m-";
    public const string ActivityPrefix = "a-";
    const string TempSuffix = ".tmp";

    public static string InstancesDirectory(string root) => Path.Combine(root, "instances");

    public static void WriteAtomic(string path, string text, bool flushToDisk = true)
    {
        var temp = path + TempSuffix;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // The instance folder went with a purge: nothing left to delete.
        }
    }

    /// <summary>Removes what a crash left half-written: temporary files never renamed were never acknowledged.</summary>
    public static void DeleteTemporaryFiles(string directory)
    {
        foreach (var temp in Directory.EnumerateFiles(directory, "*" + TempSuffix))
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// A file-name-safe, reversible form of an instance id: letters, digits, '-' and '_' stay, every other UTF-8 byte
    /// becomes '~' and two hex digits (so '.' can never make "." or "..", and '/' never nests).
    /// </summary>
    public static string EncodeName(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('~').Append(b.ToString("x2"));
            }
        }

        return builder.ToString();
    }

    public static string DecodeName(string encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '~' && i + 2 < encoded.Length)
            {
                bytes.Add(Convert.ToByte(encoded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
