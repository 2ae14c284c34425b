using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Activities;
using Serverless.Storage;
using Serverless.Storage.Local;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// Which real failures the activities give up on at once and which they retry, judged on exceptions the peers
/// actually produce: a refused login and an unwritable folder are permanent, a connection the server kills is not.
/// </summary>
public sealed class FailureClassificationTests
{
    [Fact]
    public async Task ARefusedLoginIsPermanent()
    {
        await LocalDependencies.EnsureMariaDbAsync();

        var e = await Assert.ThrowsAsync<MySqlException>(async () => await (await MySqlConnection.OpenAsync(SourceDatabase.AdminOptions() with { Password = "wrong" })).DisposeAsync());

        Assert.Equal(MySqlErrorKind.AccessDenied, e.Kind);
        Assert.True(FailureClassification.IsPermanent(e));
    }

    [Fact]
    public async Task AConnectionTheServerKillsIsTransient()
    {
        await using var db = await SourceDatabase.CreateAsync("orch_it_killed");
        var victim = await MySqlConnection.OpenAsync(SourceDatabase.AdminOptions());
        await using (victim)
        {
            await db.Admin.ExecuteAsync($"KILL CONNECTION {victim.ConnectionId}");

            var e = await Assert.ThrowsAsync<MySqlException>(() => victim.QueryScalarAsync("SELECT 1"));

            Assert.True(e.IsTransient, $"{e.Kind} {e.ErrorNumber}: {e.Message}");
            Assert.False(FailureClassification.IsPermanent(e));
        }
    }

    [Fact]
    public void AChangeLogOpenedWithAnotherPartitionCountIsPermanent()
    {
        using var dir = new TempDirectory("orch-classify-log");
        EmbeddedChangeLog.OpenOrCreate(dir.Path, 2);

        var e = Assert.Throws<ChangeLogConfigurationException>(() => EmbeddedChangeLog.OpenOrCreate(dir.Path, 4));

        Assert.True(FailureClassification.IsPermanent(e));
    }

    [Fact]
    public async Task AnUnwritableFolderIsPermanentEvenWrapped()
    {
        using var dir = new TempDirectory("orch-classify");
        var file = dir.File("occupied");
        await File.WriteAllTextAsync(file, "a file, not a folder");
        var store = new LocalFolderObjectStore(Path.Combine(file, "lake"));

        var e = await Assert.ThrowsAsync<StorageAccessException>(() => store.PutAsync("x", "1"u8.ToArray()));

        Assert.True(FailureClassification.IsPermanent(e));
        Assert.True(FailureClassification.IsPermanent(new InvalidOperationException("a library's wrapper", e)));
        Assert.False(FailureClassification.IsPermanent(new IOException("a transient I/O error")));
    }
}
