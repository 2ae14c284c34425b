using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.Checkpoints;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Delta.Tests;

public sealed class CheckpointRoundTripTests(ITestOutputHelper output)
{
    /// <summary>
    /// A checkpoint of a 1,000-file table: every field of every action kind, with nulls, empty maps and lists
    /// alternating so the level streams mix long runs with short ones (bit-packed, not only RLE, runs).
    /// </summary>
    internal static List<DeltaAction> ThousandFileCheckpoint()
    {
        var actions = new List<DeltaAction>
        {
            new ProtocolAction(3, 7, ["deletionVectors", "columnMapping"], ["deletionVectors", "columnMapping", "domainMetadata"]),
            new MetadataAction(
                "7f1c7a5e-0000-4000-8000-000000000001",
                "orders",
                null,
                new FileFormat("parquet", new Dictionary<string, string> { ["compression"] = "snappy" }),
                "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]}",
                ["day"],
                new Dictionary<string, string> { ["delta.columnMapping.mode"] = "name", ["delta.enableDeletionVectors"] = "true" },
                1_700_000_000_000),
            new TransactionAction("cdc-writer", 42, 1_700_000_000_123),
            new TransactionAction("backfill", 7, null),
            new DomainMetadataAction("delta.rowTracking", "{\"rowIdHighWaterMark\":999}", false),
        };
        for (var i = 0; i < 1000; i++)
        {
            var day = $"2024-01-{(i % 28) + 1:D2}";
            actions.Add(new AddFile(
                $"day={day}/part-{i:D5}-c000.snappy.parquet",
                new Dictionary<string, string?> { ["day"] = i % 97 == 0 ? null : day },
                10_000 + i,
                1_700_000_000_000 + i,
                false,
                i % 3 == 0 ? null : $"{{\"numRecords\":{i},\"minValues\":{{\"id\":{i * 10}}},\"maxValues\":{{\"id\":{(i * 10) + 9}}},\"nullCount\":{{\"id\":0}}}}",
                i % 2 == 0 ? null : i % 5 == 1 ? new Dictionary<string, string?>() : new Dictionary<string, string?> { ["owner"] = "cdc", ["batch"] = i.ToString(CultureInfo.InvariantCulture) },
                i % 10 == 0 ? new DeletionVectorDescriptor("u", $"ab^-aqEH.-t@S}}K{i:D3}$8", i % 20 == 0 ? 1 : null, 34 + i, i) : null,
                i % 4 == 0 ? null : i * 1_000L,
                i % 4 == 0 ? null : 3));
        }

        for (var i = 0; i < 50; i++)
        {
            actions.Add(new RemoveFile(
                $"day=2023-12-01/old-{i:D3}.parquet",
                1_700_000_000_000 - i,
                false,
                i % 2 == 0,
                i % 3 == 0 ? null : new Dictionary<string, string?> { ["day"] = "2023-12-01" },
                i % 3 == 0 ? null : 500 + i,
                null,
                null,
                i % 7 == 0 ? new DeletionVectorDescriptor("p", "/dv/deletion_vector_1.bin", 4, 40, 2) : null,
                i % 5 == 0 ? null : i,
                i % 5 == 0 ? null : 1));
        }

        return actions;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThousandFileCheckpointReadsBackEveryFieldOfEveryAction(bool dataPageV2)
    {
        var actions = ThousandFileCheckpoint();
        var bytes = ParquetCheckpointFormat.Encode(actions, dataPageV2);
        var read = ParquetCheckpointFormat.Parse(bytes, "_delta_log/00000000000000001000.checkpoint.parquet");

        Assert.Equal(actions.Count, read.Count);
        for (var i = 0; i < actions.Count; i++)
        {
            Assert.Equal(ActionJson.ToJsonLine(actions[i]), ActionJson.ToJsonLine(read[i]));
        }

        // ToJsonLine leaves out the partition-value null; the map must still hold the key.
        var nullDay = Assert.IsType<AddFile>(read[5]);
        Assert.True(nullDay.PartitionValues.ContainsKey("day"));
        Assert.Null(nullDay.PartitionValues["day"]);
    }

    [Fact]
    public void ThousandFileCheckpointWriteAndReadTimeIsReported()
    {
        var actions = ThousandFileCheckpoint();
        var bytes = ParquetCheckpointFormat.Encode(actions);
        Assert.Equal(actions.Count, ParquetCheckpointFormat.Parse(bytes, "warm-up").Count);

        const int Rounds = 31;
        var writes = new double[Rounds];
        var reads = new double[Rounds];
        for (var r = 0; r < Rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            bytes = ParquetCheckpointFormat.Encode(actions);
            writes[r] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var count = ParquetCheckpointFormat.Parse(bytes, "timed").Count;
            reads[r] = clock.Elapsed.TotalMilliseconds;
            Assert.Equal(actions.Count, count);
        }

        Array.Sort(writes);
        Array.Sort(reads);
        var line = string.Create(CultureInfo.InvariantCulture, $"1,000-file checkpoint ({actions.Count} actions, {bytes.Length} bytes): write median {writes[Rounds / 2]:F2} ms (min {writes[0]:F2}), read median {reads[Rounds / 2]:F2} ms (min {reads[0]:F2})");
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DuckDbReadsAThousandFileCheckpointWithMixedNulls(bool dataPageV2)
    {
        var actions = ThousandFileCheckpoint();
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "00000000000000001000.checkpoint.parquet");
        await File.WriteAllBytesAsync(path, ParquetCheckpointFormat.Encode(actions, dataPageV2));
        var adds = actions.OfType<AddFile>().ToList();
        var result = await DuckDb.QueryAsync(
            $"SELECT count(add.path), sum(add.size), count(add.stats), count(add.deletionVector), count(add.baseRowId), "
            + $"sum(len(map_keys(add.tags))), count(add.tags), count(remove.path), count(remove.deletionVector), "
            + $"count(*) FILTER (WHERE add.partitionValues['day'] IS NULL AND add.path IS NOT NULL), "
            + $"max(add.deletionVector.offset), any_value(protocol.writerFeatures) FILTER (WHERE protocol IS NOT NULL) "
            + $"FROM read_parquet({DuckDb.Literal(path)})");
        var row = result.Rows.Single();
        Assert.Equal(adds.Count.ToString(CultureInfo.InvariantCulture), row[0].ToString());
        Assert.Equal(adds.Sum(a => a.Size).ToString(CultureInfo.InvariantCulture), row[1].ToString());
        Assert.Equal(adds.Count(a => a.Stats is not null).ToString(CultureInfo.InvariantCulture), row[2].ToString());
        Assert.Equal(adds.Count(a => a.DeletionVector is not null).ToString(CultureInfo.InvariantCulture), row[3].ToString());
        Assert.Equal(adds.Count(a => a.BaseRowId is not null).ToString(CultureInfo.InvariantCulture), row[4].ToString());
        Assert.Equal(adds.Sum(a => a.Tags?.Count ?? 0).ToString(CultureInfo.InvariantCulture), row[5].ToString());
        Assert.Equal(adds.Count(a => a.Tags is not null).ToString(CultureInfo.InvariantCulture), row[6].ToString());
        Assert.Equal("50", row[7].ToString());
        Assert.Equal(actions.OfType<RemoveFile>().Count(r => r.DeletionVector is not null).ToString(CultureInfo.InvariantCulture), row[8].ToString());
        Assert.Equal(adds.Count(a => a.PartitionValues["day"] is null).ToString(CultureInfo.InvariantCulture), row[9].ToString());
        Assert.Equal("1", row[10].ToString());
        Assert.Equal(JsonValueKind.Array, row[11].ValueKind);
        Assert.Equal(["deletionVectors", "columnMapping", "domainMetadata"], row[11].EnumerateArray().Select(e => e.GetString()));
    }
}
