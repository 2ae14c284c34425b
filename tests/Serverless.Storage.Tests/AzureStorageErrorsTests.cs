using Azure;
using Serverless.Storage.AzureStorage;

namespace Serverless.Storage.Tests;

/// <summary>
/// The advice a storage failure carries, for the answers Azurite cannot give (it has no role-based access control):
/// the SDK's RequestFailedException as its clients throw it, with the service's status and error code.
/// </summary>
public sealed class AzureStorageErrorsTests
{
    private static readonly StorageTarget BlobWithToken = new("https://acct.blob.core.windows.net/lake", StorageService.Blob, StorageCredentialKind.Token);

    [Fact]
    public void AManagedIdentityWithoutTheDataRoleIsToldWhichRoleToAssignWhere()
    {
        var answer = new RequestFailedException(403, "This request is not authorized to perform this operation using this permission.", "AuthorizationPermissionMismatch", null);

        var error = AzureStorageErrors.Create(answer, "Put Blob", "'a.json' in https://acct.blob.core.windows.net/lake", BlobWithToken);

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationPermissionMismatch", error.ErrorCode);
        Assert.Same(answer, error.InnerException);
        Assert.StartsWith("Put Blob of 'a.json' in https://acct.blob.core.windows.net/lake failed: HTTP 403 AuthorizationPermissionMismatch (This request is not authorized", error.Message, StringComparison.Ordinal);
        Assert.Contains("lacks 'Storage Blob Data Contributor' on https://acct.blob.core.windows.net/lake", error.Message, StringComparison.Ordinal);
        Assert.Contains("az role assignment create", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATableIdentityIsAskedForTheTableRole()
    {
        var table = new StorageTarget("https://acct.table.core.windows.net/jobs", StorageService.Table, StorageCredentialKind.Token);

        var error = AzureStorageErrors.Create(new RequestFailedException(403, "denied", "AuthorizationPermissionMismatch", null), "Query Entity", "(p, r)", table);

        Assert.Contains("'Storage Table Data Contributor'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Blob", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARejectedTokenPointsAtTheTenantAndClockNotAtAnAccountKey()
    {
        var error = AzureStorageErrors.Create(new RequestFailedException(403, "Server failed to authenticate the request.", "AuthenticationFailed", null), "Get Blob", "'x'", BlobWithToken);

        Assert.Contains("access token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("account key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerThatNeverCameAfterRetriesSaysToCheckTheNetworkPath()
    {
        var attempts = new AggregateException(
            "Retry failed after 7 tries.",
            new RequestFailedException("Connection refused (acct.blob.core.windows.net:443)", new HttpRequestException("Connection refused")),
            new RequestFailedException("Connection refused (acct.blob.core.windows.net:443)", new HttpRequestException("Connection refused")));

        var error = AzureStorageErrors.Translate(attempts, "Put Blob", "'a.json'", BlobWithToken, CancellationToken.None);

        Assert.NotNull(error);
        Assert.Equal(0, error.Status);
        Assert.Contains("could not reach https://acct.blob.core.windows.net/lake after retries: Connection refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("firewall", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCallersOwnCancellationAndUnrelatedExceptionsPassThroughUntranslated()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var answer = new RequestFailedException(500, "busy", "ServerBusy", null);

        Assert.Null(AzureStorageErrors.Translate(new OperationCanceledException(cancelled.Token), "Get Blob", "'x'", BlobWithToken, cancelled.Token));
        Assert.Null(AzureStorageErrors.Translate(answer, "Get Blob", "'x'", BlobWithToken, cancelled.Token));
        Assert.Null(AzureStorageErrors.Translate(new InvalidDataException("bad"), "Get Blob", "'x'", BlobWithToken, CancellationToken.None));
        Assert.Equal(500, AzureStorageErrors.Translate(answer, "Get Blob", "'x'", BlobWithToken, CancellationToken.None)!.Status);
    }
}
