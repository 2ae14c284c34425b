using System.Text.Json;
using Serverless.Delta;
using Serverless.Storage.Local;

namespace Serverless.Bench;

/// <summary>
/// Verifies a snapshot: each table's live row count in the lake (numRecords of the live files through our Delta library,
/// less rows their deletion vectors remove) must equal the source's COUNT(*).
/// </summary>
public static class SnapshotLakeCheck
{
    public static async Task VerifyAsync(string lakeRoot, SnapshotScenario scenario)
    {
        foreach (var table in scenario.Tables)
        {
            var folder = Path.Combine(lakeRoot, $"{scenario.Database}_{table}");
            if (!Directory.Exists(folder))
            {
                throw new InvalidOperationException($"The snapshot wrote no Delta table for {scenario.Database}.{table} at {folder}.");
            }

            var delta = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(folder)));
            long lakeRows = 0;
            foreach (var file in delta.Snapshot.Files)
            {
                lakeRows += NumRecords(file.Stats, file.Path) - (file.DeletionVector?.Cardinality ?? 0);
            }

            var sourceRows = await SnapshotBenchData.CountAsync($"{scenario.Database}.{table}");
            if (lakeRows != sourceRows)
            {
                throw new InvalidOperationException($"The lake table {folder} holds {lakeRows:N0} live rows; the source {scenario.Database}.{table} has {sourceRows:N0}.");
            }
        }
    }

    private static long NumRecords(string? stats, string path)
    {
        if (stats is null)
        {
            throw new InvalidOperationException($"Data file {path} has no statistics; cannot count its rows.");
        }

        using var json = JsonDocument.Parse(stats);
        return json.RootElement.TryGetProperty("numRecords", out var n)
            ? n.GetInt64()
            : throw new InvalidOperationException($"Data file {path} has no numRecords statistic.");
    }
}
