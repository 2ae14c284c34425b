namespace Serverless.Parquet;

/// <summary>Settings of a <see cref="ParquetWriter"/>.</summary>
public sealed record ParquetWriterOptions
{
    public static ParquetWriterOptions Default { get; } = new();

    /// <summary>Page compression: Snappy (default), Gzip or Uncompressed.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>
    /// A row group is closed once the bytes it holds in memory (compressed pages, open pages, dictionaries) reach
    /// this; the writer buffers one row group, so its memory stays near this plus one page per column.
    /// </summary>
    public long RowGroupTargetBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>A data page is closed once its encoded size reaches this.</summary>
    public int PageSizeBytes { get; init; } = 1024 * 1024;

    /// <summary>A data page is also closed at this many values (bounds level and index buffers).</summary>
    public int MaxRowsPerPage { get; init; } = 20_000;

    /// <summary>Dictionary encoding (RLE_DICTIONARY) is tried per column chunk unless false.</summary>
    public bool EnableDictionary { get; init; } = true;

    /// <summary>When a chunk's dictionary grows past this many bytes, later pages of the chunk are PLAIN.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1024 * 1024;

    /// <summary>Footer key-value metadata.</summary>
    public IReadOnlyDictionary<string, string?>? KeyValueMetadata { get; init; }

    public string CreatedBy { get; init; } = "Serverless.Parquet version 1.0.0";
}
