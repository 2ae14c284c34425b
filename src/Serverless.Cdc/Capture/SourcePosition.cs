using System.Globalization;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.Capture;

/// <summary>
/// Where a change is in the job's whole source history: the source generation above the binlog position on the server
/// of that generation. Generation 0 is the server P0 was read from (the snapshot's chunk positions too); capture adds one
/// each time it resumes on another server (a failover, followed by GTID). Binlog positions of two servers do not
/// compare (a promoted replica numbers its files on its own), so every position of a later generation sorts above every
/// position of an earlier one. This is what "the highest position wins" compares, in the lake as <see cref="SortKey"/>.
/// </summary>
public readonly struct SourcePosition : IEquatable<SourcePosition>, IComparable<SourcePosition>
{
    /// <summary>
    /// The generation's first bit in <see cref="SortKey"/>. Below it lies <see cref="BinlogPosition.SortKey"/> unchanged:
    /// row index in bits 0-31, event offset in bits 32-71, file index in bits 72-102 (servers number files up to
    /// 2^31 - 1, MAX_LOG_UNIQUE_FN_EXT). The generation takes bits 103-125, so the largest key is 2^126 - 1, below the
    /// 10^38 of <c>decimal(38,0)</c>, and generation 0 gives exactly the binlog position's key.
    /// </summary>
    public const int GenerationShift = 103;

    /// <summary>The largest generation <see cref="SortKey"/> holds (23 bits): one failover a minute for 15 years.</summary>
    public const long MaxGeneration = (1L << 23) - 1;

    /// <summary>The largest binlog file number the key holds: the servers' own limit.</summary>
    public const long MaxFileIndex = int.MaxValue;

    /// <summary>The largest event offset the key holds (40 bits, 1 TiB; an event header stores 32 bits).</summary>
    public const long MaxEventOffset = (1L << 40) - 1;

    public SourcePosition(long generation, BinlogPosition binlog)
    {
        if (generation is < 0 or > MaxGeneration)
        {
            throw new ArgumentOutOfRangeException(nameof(generation), generation,
                $"The source generation of {binlog} must be between 0 and {MaxGeneration} to fit the lake's _cdc_position; re-snapshot the job to start again at generation 0.");
        }

        if (binlog.FileIndex > MaxFileIndex || binlog.EventOffset > MaxEventOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(binlog), binlog.ToString(),
                $"The binlog position {binlog} does not fit the lake's _cdc_position (file number up to {MaxFileIndex}, offset up to {MaxEventOffset}); " +
                "the server does not write such positions, so the position is damaged.");
        }

        Generation = generation;
        Binlog = binlog;
    }

    /// <summary>0 on the server P0 was read from, one more after each failover capture followed.</summary>
    public long Generation { get; }

    /// <summary>The position in the binlog of that generation's server.</summary>
    public BinlogPosition Binlog { get; }

    /// <summary>
    /// The value of the lake's <c>_cdc_position</c>: <c>generation × 2^103 + file × 2^72 + offset × 2^32 + row</c>. It
    /// sorts exactly like the positions, numerically in SQL and in Delta statistics.
    /// </summary>
    public UInt128 SortKey => ((UInt128)(ulong)Generation << GenerationShift) | Binlog.SortKey;

    public int CompareTo(SourcePosition other)
    {
        var c = Generation.CompareTo(other.Generation);
        return c != 0 ? c : Binlog.CompareTo(other.Binlog);
    }

    public bool Equals(SourcePosition other) => Generation == other.Generation && Binlog.Equals(other.Binlog);

    public override bool Equals(object? obj) => obj is SourcePosition other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Generation, Binlog);

    public static bool operator ==(SourcePosition left, SourcePosition right) => left.Equals(right);

    public static bool operator !=(SourcePosition left, SourcePosition right) => !left.Equals(right);

    public static bool operator <(SourcePosition left, SourcePosition right) => left.CompareTo(right) < 0;

    public static bool operator >(SourcePosition left, SourcePosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(SourcePosition left, SourcePosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SourcePosition left, SourcePosition right) => left.CompareTo(right) >= 0;

    /// <summary>The binlog position alone in generation 0 (as before failovers were counted), else with its generation.</summary>
    public override string ToString() => Generation == 0
        ? Binlog.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"{Binlog} (source generation {Generation})");
}
