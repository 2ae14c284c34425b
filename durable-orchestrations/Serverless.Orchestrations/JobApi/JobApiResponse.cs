using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Orchestrations.JobApi;

/// <summary>What a job API call answers: the HTTP status and the JSON body. Hosts write it out as it is.</summary>
public sealed record JobApiResponse(HttpStatusCode Status, object Body)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public const string ContentType = "application/json; charset=utf-8";

    public int StatusCode => (int)Status;

    /// <summary>The body as JSON (camelCase, enums by name, nulls left out).</summary>
    public string ToJson() => JsonSerializer.Serialize(Body, Body.GetType(), Json);

    internal static JobApiResponse Error(HttpStatusCode status, string error, string fix, IReadOnlyList<JobApiProblem>? problems = null) =>
        new(status, new JobApiError(error, fix, problems));
}

/// <summary>A refused or failed call: what is wrong, how to fix it, and for an invalid spec every problem in it.</summary>
public sealed record JobApiError(string Error, string Fix, IReadOnlyList<JobApiProblem>? Problems = null);

/// <summary>One problem of a job spec: the field's JSON path, what is wrong, the fix, and the line the CLI prints for it.</summary>
public sealed record JobApiProblem(string Path, string Problem, string Fix, string Message);
