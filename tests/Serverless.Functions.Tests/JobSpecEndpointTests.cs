using System.Text.Json;
using Serverless.Cdc.Jobs;

namespace Serverless.Functions.Tests;

/// <summary>PUT, GET and the spec checks of the job API: the same validation and messages as the CLI, all problems at once.</summary>
public sealed class JobSpecEndpointTests
{
    [Fact]
    public async Task PutCreatesTheJobAndGetReturnsItNotStartedWithItsSpec()
    {
        await using var api = await JobApiHarness.StartAsync();

        var created = await api.PutAsync("shop", JobApiHarness.Spec("shop"));
        var read = await api.GetAsync("shop");

        Assert.Equal(201, created.Status);
        Assert.StartsWith("application/json", created.ContentType, StringComparison.Ordinal);
        Assert.Equal(200, read.Status);
        Assert.Equal("shop", read.Text("name"));
        Assert.Equal("NotStarted", read.Text("status"));
        Assert.Equal("startjob-shop", read.Text("instanceId"));
        Assert.Empty(read.Body.GetProperty("tables").EnumerateArray());
        var spec = read.Body.GetProperty("spec");
        Assert.Equal("env:CDC_SOURCE_PASSWORD", spec.GetProperty("source").GetProperty("password").GetString());
        Assert.Equal(6, spec.GetProperty("snapshot").GetProperty("parallelism").GetInt32());
    }

    [Fact]
    public async Task PutOfAnExistingJobReplacesItsSpec()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.PutAsync("shop", JobApiHarness.Spec("shop", parallelism: 2));

        var replaced = await api.PutAsync("shop", JobApiHarness.Spec("shop", parallelism: 8));
        var read = await api.GetAsync("shop");

        Assert.Equal(200, replaced.Status);
        Assert.Equal(8, read.Body.GetProperty("spec").GetProperty("snapshot").GetProperty("parallelism").GetInt32());
    }

    [Fact]
    public async Task MalformedJsonIsRefusedWithTheMessageTheCliPrints()
    {
        await using var api = await JobApiHarness.StartAsync();
        const string body = "{ \"name\": \"shop\", \"source\": { \"host\": ";

        var answer = await api.PutAsync("shop", body);

        Assert.Equal(400, answer.Status);
        var cli = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(body));
        Assert.Equal(cli.Errors.Select(e => e.ToString()), Messages(answer));
        Assert.Contains("not valid JSON at line 1", Messages(answer).Single(), StringComparison.Ordinal);
        Assert.Equal(404, (await api.GetAsync("shop")).Status);
    }

    [Fact]
    public async Task InvalidSpecListsEveryProblemAtOnceWithTheCliMessagesAndStoresNothing()
    {
        await using var api = await JobApiHarness.StartAsync();
        const string body = """
            {
              "name": "shop",
              "source": { "host": "mysql.example.internal", "port": 70000, "user": "cdc_repl", "password": "env:CDC_SOURCE_PASSWORD" },
              "tables": { "include": ["shop"] },
              "target": { "root": "https://lakeacct.blob.core.windows.net/lake", "writeMod": "copy-on-write" }
            }
            """;

        var answer = await api.PutAsync("shop", body);

        Assert.Equal(400, answer.Status);
        var cli = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(body));
        Assert.True(cli.Errors.Count >= 3, string.Join("\n", cli.Errors));
        Assert.Equal(cli.Errors.Select(e => e.ToString()), Messages(answer));
        Assert.Equal($"Job spec 'shop' has {cli.Errors.Count} problem(s).", answer.Text("error"));
        var paths = answer.Body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()).ToList();
        Assert.Contains("$.source.port", paths);
        Assert.Contains("$.tables.include[0]", paths);
        Assert.Contains("$.target.writeMod", paths);
        Assert.Equal(404, (await api.GetAsync("shop")).Status);
    }

    [Fact]
    public async Task PasswordWrittenIntoTheSpecIsRefusedBesideTheOtherProblemsAndNeverStored()
    {
        await using var api = await JobApiHarness.StartAsync();
        var body = JobApiHarness.Spec("shop").Replace("env:CDC_SOURCE_PASSWORD", "s3cret-Pa55", StringComparison.Ordinal).Replace("3306", "0", StringComparison.Ordinal);

        var answer = await api.PutAsync("shop", body);

        Assert.Equal(400, answer.Status);
        var paths = answer.Body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()).ToList();
        Assert.Equal(["$.source.port", "$.source.password"], paths);
        Assert.Contains("env:NAME", Messages(answer)[1], StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pa55", answer.Body.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFiles(api.StateFolder, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("s3cret-Pa55", StringComparison.Ordinal));
        Assert.Equal(404, (await api.GetAsync("shop")).Status);
    }

    [Fact]
    public async Task RelativePathsAreRefusedBecauseASentSpecHasNoFolder()
    {
        await using var api = await JobApiHarness.StartAsync();
        var body = JobApiHarness.Spec("shop")
            .Replace("https://lakeacct.blob.core.windows.net/lake/shop", "./lake", StringComparison.Ordinal)
            .Replace("env:CDC_SOURCE_PASSWORD", "file:secrets/password", StringComparison.Ordinal);

        var answer = await api.PutAsync("shop", body);

        Assert.Equal(400, answer.Status);
        var paths = answer.Body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()).ToList();
        Assert.Equal(["$.source.password", "$.target.root"], paths);
        Assert.All(Messages(answer), m => Assert.Contains("relative path", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BodyOverTheLimitIsRefusedAsTooLargeAndNothingIsStored()
    {
        await using var api = await JobApiHarness.StartAsync();
        var body = JobApiHarness.Spec("shop").Replace("// comments are allowed", "//" + new string('x', 2 * 1024 * 1024), StringComparison.Ordinal);

        var answer = await api.PutAsync("shop", body);

        Assert.Equal(413, answer.Status);
        Assert.Equal("The spec sent for job shop is over 1 MiB.", answer.Text("error"));
        Assert.Equal(404, (await api.GetAsync("shop")).Status);
    }

    [Fact]
    public async Task SpecNamedOtherThanTheUrlIsRefused()
    {
        await using var api = await JobApiHarness.StartAsync();

        var answer = await api.PutAsync("shop", JobApiHarness.Spec("warehouse"));

        Assert.Equal(400, answer.Status);
        var problem = Assert.Single(answer.Body.GetProperty("problems").EnumerateArray());
        Assert.Equal("$.name", problem.GetProperty("path").GetString());
        Assert.Contains("/api/jobs/warehouse", problem.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidJobNameInTheUrlIsABadRequestNamingTheRule()
    {
        await using var api = await JobApiHarness.StartAsync();

        var answer = await api.GetAsync("shop orders");

        Assert.Equal(400, answer.Status);
        var problem = Assert.Single(answer.Body.GetProperty("problems").EnumerateArray());
        Assert.Contains("'shop orders' is not a valid job name", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownJobIsNotFoundForEveryVerb()
    {
        await using var api = await JobApiHarness.StartAsync();

        var answers = new[] { await api.GetAsync("ghost"), await api.StartAsync("ghost"), await api.StopAsync("ghost"), await api.DeleteAsync("ghost") };

        Assert.All(answers, a =>
        {
            Assert.Equal(404, a.Status);
            Assert.Equal("There is no job named 'ghost'.", a.Text("error"));
            Assert.Contains("PUT /api/jobs/ghost", a.Text("fix"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ListShowsEveryJobWithItsStatus()
    {
        await using var api = await JobApiHarness.StartAsync();
        await api.PutAsync("shop", JobApiHarness.Spec("shop"));
        await api.CreateAndStartAsync("warehouse");

        var list = await api.ListAsync();

        Assert.Equal(200, list.Status);
        var jobs = list.Body.EnumerateArray().ToDictionary(j => j.GetProperty("name").GetString()!, j => j.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["shop"] = "NotStarted", ["warehouse"] = "Running" }, jobs);
    }

    private static List<string> Messages(ApiAnswer answer) =>
        answer.Body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("message").GetString()!).ToList();
}
