namespace Serverless.Cdc.Jobs;

/// <summary>One problem in a job spec: the JSON path of the field (e.g. <c>$.source.port</c>), what is wrong, and the fix.</summary>
public sealed record JobSpecError(string Path, string Problem, string Fix)
{
    public override string ToString() => $"{Path}: {Problem}. Fix: {Fix}.";
}
