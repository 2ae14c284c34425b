using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Parquet;
using Serverless.Storage;

namespace Serverless.Cdc.Snapshot;

/// <summary>
/// Reads one <see cref="SnapshotChunk"/> into Parquet files (the ReadChunk activity's body). On its own connection:
/// START TRANSACTION WITH CONSISTENT SNAPSHOT, take the read view's exact binlog position Lc, SELECT the chunk's key
/// range, stream the rows into Parquet files rolled at a target size, COMMIT. Every row carries
/// <c>_cdc_position</c> = Lc and <c>_cdc_ts</c> = the read view's time, appended once per batch as repeated values. Memory is bounded by one row batch and one
/// row group, whatever the chunk's size. Files are published only when complete; on failure the files of this
/// attempt are deleted, so a retry starts clean.
/// </summary>
public sealed class ChunkReader
{
    private readonly MySqlConnectionOptions source;
    private readonly IObjectStore store;
    private readonly ChunkReaderOptions options;
    private readonly ILogger logger;

    public ChunkReader(MySqlConnectionOptions source, IObjectStore store, ChunkReaderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
        this.source = source;
        this.store = store;
        this.options = options ?? new ChunkReaderOptions();
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Reads <paramref name="chunk"/> of the table <paramref name="mapping"/> describes and writes its files under
    /// <paramref name="folder"/> (relative to the store root, e.g. the lake table's folder; empty for the root).
    /// </summary>
    public async Task<ChunkReadResult> ReadAsync(SnapshotChunk chunk, TableMapping mapping, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(folder);
        var table = mapping.Table;
        if (!string.Equals(table.Database, chunk.Database, StringComparison.Ordinal) || !string.Equals(table.Name, chunk.Table, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Chunk {chunk.Id} belongs to {chunk.Database}.{chunk.Table}, not to {table.QualifiedName}.", nameof(chunk));
        }

        var stopwatch = Stopwatch.StartNew();
        var connection = await MySqlConnection.OpenAsync(source with { Name = $"{source.Name} chunk {chunk.Id}" }, logger, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await SourceSession.PrepareAsync(connection, cancellationToken).ConfigureAwait(false);
            var position = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            var nowText = await connection.QueryScalarAsync("SELECT UTC_TIMESTAMP(6)", cancellationToken).ConfigureAwait(false);
            var snapshotTime = DateTime.SpecifyKind(DateTime.Parse(nowText!, CultureInfo.InvariantCulture), DateTimeKind.Utc);

            var files = new List<ChunkFile>();
            try
            {
                var rows = await ReadRowsAsync(connection, chunk, mapping, folder, position, snapshotTime, files, cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);
                logger.LogInformation(
                    "Chunk {Chunk} read {Rows} rows into {Files} files at {Position} in {Elapsed} ms",
                    chunk.Id, rows, files.Count, position, stopwatch.ElapsedMilliseconds);
                return new ChunkReadResult
                {
                    ChunkId = chunk.Id,
                    Position = position.ToString(),
                    PositionSortKey = new Capture.SourcePosition(options.SourceGeneration, position).SortKey.ToString(CultureInfo.InvariantCulture),
                    SnapshotTimeUtc = snapshotTime,
                    Rows = rows,
                    Files = files,
                    Elapsed = stopwatch.Elapsed,
                };
            }
            catch
            {
                foreach (var f in files)
                {
                    try
                    {
                        await store.DeleteAsync(f.Path, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or StorageRequestException)
                    {
                        logger.LogWarning(e, "Could not delete {File} of failed chunk {Chunk}; it is unreferenced and vacuum removes it", f.Path, chunk.Id);
                    }
                }

                throw;
            }
        }
    }

    /// <summary>Starts the read view and returns its exact binlog position (see <see cref="SnapshotPositionMethod"/>).</summary>
    private async Task<BinlogPosition> BeginSnapshotAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken).ConfigureAwait(false);
        switch (options.PositionMethod)
        {
            case SnapshotPositionMethod.ConsistentSnapshotStatus:
                {
                    await connection.ExecuteAsync("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", cancellationToken).ConfigureAwait(false);
                    var status = await connection.QueryTextRowsAsync("SHOW STATUS LIKE 'binlog_snapshot_%'", cancellationToken).ConfigureAwait(false);
                    var file = status.FirstOrDefault(r => string.Equals(r[0], "Binlog_snapshot_file", StringComparison.OrdinalIgnoreCase))?[1];
                    var offset = status.FirstOrDefault(r => string.Equals(r[0], "Binlog_snapshot_position", StringComparison.OrdinalIgnoreCase))?[1];
                    if (string.IsNullOrEmpty(file) || !long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var pos))
                    {
                        throw new InvalidOperationException(
                            $"{source.Name} at {source.Endpoint} gives no binlog_snapshot_file/position (got '{file}', '{offset}'): the binlog is off or the server is not MariaDB/Percona. " +
                            "Enable log_bin, or run preflight to find the position method this server supports.");
                    }

                    return new BinlogPosition(file, pos);
                }

            case SnapshotPositionMethod.LogStatus:
                {
                    // log_status is read before the read view: changes committed in between are re-applied from the binlog (harmless).
                    var local = await connection.QueryScalarAsync("SELECT LOCAL FROM performance_schema.log_status", cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"{source.Name}: performance_schema.log_status returned nothing; grant BACKUP_ADMIN to the user.");
                    using var doc = JsonDocument.Parse(local);
                    var file = doc.RootElement.GetProperty("binary_log_file").GetString()!;
                    var pos = doc.RootElement.GetProperty("binary_log_position").GetInt64();
                    await connection.ExecuteAsync("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", cancellationToken).ConfigureAwait(false);
                    return new BinlogPosition(file, pos);
                }

            default:
                throw new NotSupportedException(
                    $"Snapshot position method {options.PositionMethod} is not implemented by the chunk reader yet; " +
                    "use a MariaDB source, or MySQL 8.0.17+ with BACKUP_ADMIN granted (performance_schema.log_status).");
        }
    }

    private async Task<long> ReadRowsAsync(
        MySqlConnection connection,
        SnapshotChunk chunk,
        TableMapping mapping,
        string folder,
        BinlogPosition position,
        DateTime snapshotTime,
        List<ChunkFile> files,
        CancellationToken cancellationToken)
    {
        var table = mapping.Table;
        var keyColumns = chunk.KeyColumns.Select(table.Column).ToArray();
        var where = KeysetPredicate.Build(keyColumns, chunk.Lower, chunk.Upper);
        var sql = $"SELECT {string.Join(", ", mapping.Columns.Select(c => c.SelectExpression))} FROM {SqlText.Table(table.Database, table.Name)}" +
                  (where is null ? string.Empty : " WHERE " + where) +
                  (table.KeyIndex is null ? string.Empty : " ORDER BY " + string.Join(", ", keyColumns.Select(k => SqlText.Identifier(k.Name))));

        var encodedPosition = RowConverter.EncodePosition(new Capture.SourcePosition(options.SourceGeneration, position).SortKey);
        var timestampMicros = ParquetValues.ToUnixMicros(snapshotTime);
        var batch = new ParquetRowBatch(mapping.ParquetSchema, options.BatchRows);
        var writerOptions = new ParquetWriterOptions
        {
            Compression = options.Compression,
            RowGroupTargetBytes = Math.Min(options.RowGroupBytes, options.TargetFileBytes),
            CreatedBy = "Serverless.Cdc snapshot",
        };
        var attempt = Guid.NewGuid().ToString("N")[..12];
        var prefix = folder.Length == 0 ? string.Empty : folder.TrimEnd('/') + "/";
        OpenFile? current = null;
        long rows = 0;

        // A prepared statement's binary rows cost the server and us less than text (no number or date rendering and
        // parsing); a table whose binary form cannot give the mapped values (TIME as a string) is read as a query.
        var statement = options.BinaryProtocol ? await connection.PrepareAsync(sql, cancellationToken).ConfigureAwait(false) : null;
        var binaryConverter = statement is null ? null : RowConverter.ForBinaryRows(mapping, statement.Columns, options.Types);
        if (statement is not null && binaryConverter is null)
        {
            await statement.DisposeAsync().ConfigureAwait(false);
            statement = null;
        }

        var converter = binaryConverter ?? new RowConverter(mapping, options.Types);
        var reader = statement is null
            ? await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false)
            : await statement.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (reader.FieldCount != mapping.Columns.Count)
            {
                throw new InvalidOperationException($"Chunk {chunk.Id}: the SELECT returned {reader.FieldCount} columns for {mapping.Columns.Count} mapped columns; re-read the table schema.");
            }

            // The converter walks each binary row once itself; the reader's split is needed only for rows it gives up on.
            reader.DeferBinaryFieldSplit = binaryConverter is not null;

            try
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    converter.AppendSourceValues(reader, batch);
                    // The rows already received, without awaiting: the hot loop, kept out of this async state machine.
                    // Only the source values: the CDC columns, the same for every row of the chunk, are filled once per batch.
                    rows += 1 + converter.AppendBufferedSourceValues(reader, batch, options.BatchRows);
                    if (batch.Columns[0].Count >= options.BatchRows)
                    {
                        converter.AppendCdcValues(batch, encodedPosition, timestampMicros);
                        current ??= await OpenAsync($"{prefix}part-{chunk.Index:D5}-{files.Count:D3}-{attempt}.{Extension()}", mapping.ParquetSchema, writerOptions, cancellationToken).ConfigureAwait(false);
                        current.Writer.WriteBatch(batch);
                        batch.Clear();
                        if (current.Writer.BytesWritten >= options.TargetFileBytes)
                        {
                            files.Add(await current.CompleteAsync(cancellationToken).ConfigureAwait(false));
                            current = null;
                        }
                    }
                }

                if (batch.Columns[0].Count > 0 || (files.Count == 0 && current is null && rows > 0))
                {
                    converter.AppendCdcValues(batch, encodedPosition, timestampMicros);
                    current ??= await OpenAsync($"{prefix}part-{chunk.Index:D5}-{files.Count:D3}-{attempt}.{Extension()}", mapping.ParquetSchema, writerOptions, cancellationToken).ConfigureAwait(false);
                    current.Writer.WriteBatch(batch);
                    batch.Clear();
                }

                if (current is not null)
                {
                    files.Add(await current.CompleteAsync(cancellationToken).ConfigureAwait(false));
                    current = null;
                }
            }
            finally
            {
                if (current is not null)
                {
                    await current.AbandonAsync().ConfigureAwait(false);
                }
            }
        }

        // After a failure the connection is closed instead, which drops the statement with it.
        if (statement is not null)
        {
            await statement.DisposeAsync().ConfigureAwait(false);
        }

        return rows;
    }

    private string Extension() => options.Compression switch
    {
        ParquetCompression.Snappy => "snappy.parquet",
        ParquetCompression.Gzip => "gz.parquet",
        _ => "parquet",
    };

    private async Task<OpenFile> OpenAsync(string path, ParquetSchema schema, ParquetWriterOptions writerOptions, CancellationToken cancellationToken)
    {
        var stream = await store.OpenWriteAsync(path, overwrite: false, cancellationToken).ConfigureAwait(false);
        return new OpenFile(path, stream, new ParquetWriter(stream, schema, writerOptions, leaveOpen: true));
    }

    private sealed class OpenFile(string path, ObjectWriteStream stream, ParquetWriter writer)
    {
        public ParquetWriter Writer { get; } = writer;

        public async Task<ChunkFile> CompleteAsync(CancellationToken cancellationToken)
        {
            var metadata = Writer.Complete();
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            var info = await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            var (columns, json) = DeltaFileStats.Build(metadata);
            return new ChunkFile(path, metadata.RowCount, info.Size, columns, json);
        }

        public async Task AbandonAsync() => await stream.DisposeAsync().ConfigureAwait(false);
    }
}
