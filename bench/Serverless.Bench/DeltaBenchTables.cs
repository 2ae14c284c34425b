using System.Globalization;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Schema;
using Serverless.Storage;
using Serverless.Storage.AzureStorage;

namespace Serverless.Bench;

/// <summary>Shared pieces of the `delta` benchmark: stores, table shapes, percentiles, byte accounting.</summary>
public static class DeltaBenchTables
{
    /// <summary>Azurite's published development account (not a secret).</summary>
    public const string AzuriteAccount = "devstoreaccount1";

    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static Uri AzuriteBlobEndpoint { get; } = new("http://127.0.0.1:10000/devstoreaccount1");

    /// <summary>A fresh container for one run; the caller deletes it.</summary>
    public static async Task<AzureBlobObjectStore> CreateAzuriteContainerAsync(string purpose)
    {
        var name = $"bench-{purpose}-{Guid.NewGuid():N}"[..40].TrimEnd('-');
        var store = AzureBlobObjectStore.WithAccountKey(new Uri($"{AzuriteBlobEndpoint}/{name}"), AzuriteAccount, AzuriteKey);
        try
        {
            await store.CreateContainerAsync();
        }
        catch (Exception e) when (e is HttpRequestException or StorageRequestException)
        {
            throw new InvalidOperationException($"Azurite is not reachable at {AzuriteBlobEndpoint}: {e.Message}. Start it with `bash scripts/deps.sh up azurite`.", e);
        }

        return store;
    }

    /// <summary>One key column: the smallest table a CDC writer commits to.</summary>
    public static TableDefinition KeyOnlyTable(IReadOnlyDictionary<string, string>? configuration = null) =>
        new([new StructField("id", PrimitiveType.Long, nullable: false)]) { Configuration = configuration ?? new Dictionary<string, string>() };

    /// <summary>The add action of a small one-row-group data file (the data upload itself is outside what the commit benchmarks time).</summary>
    public static AddFile SmallAdd(long sequence) => new(
        "part-00000-" + sequence.ToString("D12", CultureInfo.InvariantCulture) + "-c000.snappy.parquet",
        new Dictionary<string, string?>(),
        4096,
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        true,
        "{\"numRecords\":1000}");

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    /// <summary>Path → size of every object under <paramref name="prefix"/>.</summary>
    public static async Task<Dictionary<string, long>> ListSizesAsync(IObjectStore store, string prefix = "")
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(prefix))
        {
            sizes[info.Path] = info.Size;
        }

        return sizes;
    }

    /// <summary>Bytes of objects that are new or changed in <paramref name="after"/>.</summary>
    public static long BytesWritten(Dictionary<string, long> before, Dictionary<string, long> after)
    {
        long total = 0;
        foreach (var (path, size) in after)
        {
            if (!before.TryGetValue(path, out var old) || old != size || path.EndsWith("_last_checkpoint", StringComparison.Ordinal))
            {
                total += size;
            }
        }

        return total;
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
