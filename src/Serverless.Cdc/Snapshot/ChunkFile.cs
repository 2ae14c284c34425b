using System.Text.Json;

namespace Serverless.Cdc.Snapshot;

/// <summary>
/// One Parquet file a chunk wrote: its path relative to the lake root, rows, size, and statistics per column
/// (by the column's name in the file, i.e. the physical name under column mapping). <see cref="DeltaStats"/> is the
/// same as the JSON of a Delta add action's <c>stats</c>.
/// </summary>
public sealed record ChunkFile(string Path, long Rows, long SizeBytes, IReadOnlyList<ChunkColumnStats> Columns, string DeltaStats);

/// <summary>
/// Null count and min/max of one column in Delta statistics form: numbers as JSON numbers (decimals exact),
/// dates as "yyyy-MM-dd", timestamps in milliseconds ("...Z" for UTC) with min rounded down and max up; strings
/// up to 32 characters (a longer min is cut to a prefix, a longer max is omitted); none for binary and boolean.
/// </summary>
public sealed record ChunkColumnStats(string Column, long NullCount, JsonElement? Min, JsonElement? Max);
