namespace Serverless.Cdc.Preflight;

/// <summary>Thresholds of the preflight checks.</summary>
public sealed record PreflightOptions
{
    /// <summary>The snapshot read rate assumed for the retention check (bytes of DATA_LENGTH per second).</summary>
    public long EstimatedBytesPerSecond { get; init; } = 20L * 1024 * 1024;

    /// <summary>Binlog retention must be at least this many times the estimated snapshot time.</summary>
    public double RetentionSafetyFactor { get; init; } = 2.0;
}
