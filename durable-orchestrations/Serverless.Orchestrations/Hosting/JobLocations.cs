namespace Serverless.Orchestrations.Hosting;

/// <summary>Where a job's files are, as resolved for one run or status query: what the CLI tells the user it used.</summary>
/// <param name="JobName">The job's name from its spec.</param>
/// <param name="JobSpecPath">The spec file, absolute.</param>
/// <param name="Lake">The lake root: an absolute folder, or the URL/connection location of a blob container.</param>
/// <param name="StateFolder">The folder holding orchestration history and job state, absolute.</param>
public sealed record JobLocations(string JobName, string JobSpecPath, string Lake, string StateFolder);
