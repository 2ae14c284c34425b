using Serverless.Cdc.Jobs;

namespace Serverless.Cdc.JobCatalog;

/// <summary>A job spec as the catalog keeps it.</summary>
/// <param name="Name">The job's name (the spec's <c>name</c>).</param>
/// <param name="Json">The spec as stored: the submitted document without comments; secrets appear only as references.</param>
/// <param name="Spec">The validated spec.</param>
/// <param name="UpdatedAt">When it was last created or replaced.</param>
public sealed record CatalogedJobSpec(string Name, string Json, JobSpec Spec, DateTimeOffset UpdatedAt);
