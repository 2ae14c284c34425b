using System.Text.Json.Serialization;

namespace Serverless.Orchestrations.StartJob;

[JsonConverter(typeof(JsonStringEnumConverter<StartJobOutcome>))]
public enum StartJobOutcome
{
    /// <summary>Every table is snapshotted into the lake.</summary>
    Completed,

    /// <summary>Preflight found problems (listed with fixes); no table was touched.</summary>
    PreflightFailed,
}
