using System.Diagnostics;
using System.Globalization;
using Serverless.Parquet;

// Times our writer and reader on the benchmark's 10-column rows (same generator as bench/ParquetBenchmark.cs),
// and the peak resident set growth while writing a large file, without building the whole benchmark.
var mode = args.Length > 0 ? args[0] : "all";
var rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var repeat = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
var dir = Path.Combine(Path.GetTempPath(), $"parquet-profile-{Environment.ProcessId}");
Directory.CreateDirectory(dir);
try
{
    if (mode == "memory")
    {
        var target = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1L << 30;
        Console.WriteLine(ProfileRows.WriteLarge(Path.Combine(dir, "large.parquet"), target, 64L << 20));
        return;
    }

    if (mode == "snappy")
    {
        // Decompression speed alone on PLAIN int64 timestamps and UTF-8 emails, as the benchmark's pages hold them.
        var longs = new long[rows];
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            longs[i] = 1_600_000_000_000_000L + (i * 1_000_003L);
            text.Append(CultureInfo.InvariantCulture, $"user{i}@example.com");
        }

        foreach (var (name, raw) in new[] { ("timestamps", System.Runtime.InteropServices.MemoryMarshal.AsBytes(longs.AsSpan()).ToArray()), ("emails", System.Text.Encoding.UTF8.GetBytes(text.ToString())) })
        {
            var compressed = new byte[Serverless.Parquet.Encodings.SnappyCodec.MaxCompressedLength(raw.Length)];
            var n = Serverless.Parquet.Encodings.SnappyCodec.Compress(raw, compressed);
            var output = new byte[raw.Length];
            var c = ProfileRows.Best(repeat, () => Serverless.Parquet.Encodings.SnappyCodec.Compress(raw, compressed));
            var d = ProfileRows.Best(repeat, () => Serverless.Parquet.Encodings.SnappyCodec.TryDecompress(compressed.AsSpan(0, n), output));
            Console.WriteLine($"{name}: {raw.Length / 1e6:0.0} MB -> {n / 1e6:0.0} MB; compress {raw.Length / 1e6 / c:0} MB/s, decompress {raw.Length / 1e6 / d:0} MB/s");
        }

        return;
    }

    var batches = ProfileRows.Generate(rows, 65_536);
    var file = Path.Combine(dir, "ours.parquet");
    ProfileRows.Write(file, batches.Take(1));
    ProfileRows.Read(file);
    if (mode is "all" or "write")
    {
        var best = ProfileRows.Best(repeat, () => ProfileRows.Write(file, batches));
        Console.WriteLine($"write: {rows / best:N0} rows/s ({best * 1000:0} ms, {new FileInfo(file).Length / 1e6:0.0} MB)");
    }
    else
    {
        ProfileRows.Write(file, batches);
    }

    if (mode is "all" or "read")
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        ProfileRows.Read(file);
        Console.WriteLine($"one read allocates {(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1e6:0.0} MB");
        if (Environment.GetEnvironmentVariable("PROFILE_COLUMNS") is not null)
        {
            using var reader = ParquetReader.Open(file);
            foreach (var column in reader.Schema.Columns)
            {
                reader.ReadRowGroup(0, ParquetProjection.ByName(column.Name));
                var before = GC.GetAllocatedBytesForCurrentThread();
                var batch = reader.ReadRowGroup(0, ParquetProjection.ByName(column.Name));
                Console.WriteLine($"  {column.Name}: {(GC.GetAllocatedBytesForCurrentThread() - before) / 1e6:0.0} MB for {batch.RowCount:N0} rows, {batch[0].ByteData.Length / 1e6:0.0} MB of bytes");
            }
        }

        var best = ProfileRows.Best(repeat, () => ProfileRows.Read(file));
        Console.WriteLine($"read: {rows / best:N0} rows/s ({best * 1000:0} ms)");
    }

    if (Environment.GetEnvironmentVariable("PROFILE_SAVE") is { } savePath)
    {
        File.Copy(file, savePath, overwrite: true);
    }

    if (args.Length > 3)
    {
        var foreign = args[3];
        var best = ProfileRows.Best(repeat, () => ProfileRows.Read(foreign));
        Console.WriteLine($"read {foreign}: {rows / best:N0} rows/s ({best * 1000:0} ms)");
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}

internal static class ProfileRows
{
    private const long TimestampBase = 1_600_000_000_000_000L;

    public static double Best(int repeat, Action action)
    {
        var best = double.MaxValue;
        var bestCpu = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeat; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalSeconds);
        }

        // On a shared machine wall time includes waiting for a core; process CPU time (all threads, GC included) does not.
        Console.Write($"[cpu best {bestCpu * 1000:0} ms] ");
        return best;
    }

    public static void Write(string path, IEnumerable<ParquetRowBatch> batches)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var rowGroupMb = Environment.GetEnvironmentVariable("PROFILE_ROW_GROUP_MB");
        var options = rowGroupMb is null ? null : new ParquetWriterOptions { RowGroupTargetBytes = long.Parse(rowGroupMb, CultureInfo.InvariantCulture) << 20 };
        using var writer = new ParquetWriter(stream, batches.First().Schema, options);
        foreach (var b in batches)
        {
            writer.WriteBatch(b);
        }

        writer.Complete();
    }

    public static long Read(string path)
    {
        using var reader = ParquetReader.Open(path);
        long n = 0;
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            n += reader.ReadRowGroup(g).RowCount;
        }

        return n;
    }

    public static string WriteLarge(string path, long targetBytes, long rowGroupBytes)
    {
        var batch = Generate(65_536, 65_536)[0];
        GC.Collect();
        var baseline = PeakRss();
        long rows = 0;
        var sw = Stopwatch.StartNew();
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new ParquetWriter(stream, batch.Schema, new ParquetWriterOptions { RowGroupTargetBytes = rowGroupBytes }))
        {
            while (writer.BytesWritten < targetBytes)
            {
                writer.WriteBatch(batch);
                rows += batch.RowCount;
            }

            writer.Complete();
        }

        var peak = PeakRss();
        return $"peak growth {(peak - baseline) / 1e6:0} MB, file {new FileInfo(path).Length / 1e6:0} MB, {rows:N0} rows, {sw.Elapsed.TotalSeconds:0.0} s, gen2 {GC.CollectionCount(2)}";
    }

    private static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public static List<ParquetRowBatch> Generate(long rows, int batchRows)
    {
        var schema = new ParquetSchema(
            ParquetColumn.Int64("id", isRequired: true),
            ParquetColumn.Int32("qty", isRequired: true),
            ParquetColumn.Decimal("price", 12, 2, isRequired: true),
            ParquetColumn.Decimal("amount", 18, 4, isRequired: true),
            ParquetColumn.Timestamp("created_at", isAdjustedToUtc: true, isRequired: true),
            ParquetColumn.Timestamp("updated_at", isAdjustedToUtc: false, isRequired: true),
            ParquetColumn.String("status", isRequired: true),
            ParquetColumn.String("city", isRequired: true),
            ParquetColumn.String("email", isRequired: true),
            ParquetColumn.Double("score"));
        var batches = new List<ParquetRowBatch>();
        for (long start = 0; start < rows; start += batchRows)
        {
            var n = (int)Math.Min(batchRows, rows - start);
            var b = new ParquetRowBatch(schema, n);
            for (long i = start; i < start + n; i++)
            {
                b[0].Append(i);
                b[1].Append((int)(i * 7919 % 100_000));
                b[2].Append(i * 104_729 % 10_000_000);
                b[3].Append(i * 31_337 % 1_000_000_000_000);
                b[4].Append(TimestampBase + (i * 1_000_003));
                b[5].Append(TimestampBase + (i * 999_983));
                b[6].Append(string.Create(CultureInfo.InvariantCulture, $"status_{i % 8}"));
                b[7].Append(string.Create(CultureInfo.InvariantCulture, $"city_{i % 1000}"));
                b[8].Append(string.Create(CultureInfo.InvariantCulture, $"user{i}@example.com"));
                if (i % 10 == 0)
                {
                    b[9].AppendNull();
                }
                else
                {
                    b[9].Append(i * 0.25);
                }
            }

            batches.Add(b);
        }

        return batches;
    }
}
