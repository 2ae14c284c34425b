using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// <c>changelog.json</c>: what is fixed when a log is created (the partition count, the batch limit that bounds a torn
/// tail) and the on-disk format version. Written once, atomically.
/// </summary>
internal sealed record LogManifest(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("partitions")] int Partitions,
    [property: JsonPropertyName("maxBatchBytes")] int MaxBatchBytes,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt)
{
    public const int CurrentFormat = 1;
    public const string FileName = "changelog.json";

    public static LogManifest? TryRead(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        LogManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<LogManifest>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ChangeLogConfigurationException($"The change log manifest '{path}' is not valid JSON ({e.Message}); restore it or recreate the log.", e);
        }

        if (manifest is null || manifest.Partitions < 1 || manifest.MaxBatchBytes < 1)
        {
            throw new ChangeLogConfigurationException($"The change log manifest '{path}' lacks a partition count or batch limit; restore it or recreate the log.");
        }

        if (manifest.Format != CurrentFormat)
        {
            throw new ChangeLogConfigurationException(
                $"The change log in '{directory}' has on-disk format {manifest.Format}; this version reads format {CurrentFormat}. Use the version that created it.");
        }

        return manifest;
    }

    /// <summary>Creates the manifest unless another process created one first; returns the one that is there.</summary>
    public static LogManifest CreateOrRead(string directory, LogManifest wanted)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var staging = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var stream = new FileStream(staging, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, wanted);
            stream.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(staging, path, overwrite: false);
            return wanted;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(staging);
            return TryRead(directory)!;
        }
    }
}
