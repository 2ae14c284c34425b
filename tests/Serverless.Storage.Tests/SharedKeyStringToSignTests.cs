using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Storage.AzureStorage;

namespace Serverless.Storage.Tests;

/// <summary>The strings to sign, built by hand from the "Authorize with Shared Key" specification (no peer needed).</summary>
public sealed class SharedKeyStringToSignTests
{
    private static readonly HttpPipeline Pipeline = HttpPipelineBuilder.Build(new AzureBlobObjectStoreOptions());

    [Fact]
    public void BlobStringToSignFollowsTheSpecificationForAConditionalPutWithQueryParameters()
    {
        var policy = new SharedKeyAuthenticationPolicy("myaccount", Convert.ToBase64String(new byte[32]), SharedKeyScheme.BlobQueueFile);
        using var message = Pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Put;
        message.Request.Uri.Reset(new Uri("https://myaccount.blob.core.windows.net/lake/a%20b/c.json?comp=block&blockid=QUJD%2BRA%3D%3D&Timeout=30"));
        message.Request.Headers.Add("x-ms-version", "2021-12-02");
        message.Request.Headers.Add("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT");
        message.Request.Headers.Add("X-MS-Meta-Writer", "  w1 ");
        message.Request.Headers.Add("If-None-Match", "*");
        message.Request.Headers.Add("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(new byte[11]);

        var expected = string.Join('\n',
            "PUT", string.Empty, string.Empty, "11", string.Empty, "application/json", string.Empty, string.Empty, string.Empty, "*", string.Empty, string.Empty,
            "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT",
            "x-ms-meta-writer:w1",
            "x-ms-version:2021-12-02",
            "/myaccount/lake/a%20b/c.json",
            "blockid:QUJD+RA==",
            "comp:block",
            "timeout:30");
        Assert.Equal(expected, policy.BlobStringToSign(message.Request));
    }

    [Fact]
    public void AZeroLengthBodyIsSignedAsAnEmptyContentLengthAndPathStyleAccountsRepeatTheAccount()
    {
        var policy = new SharedKeyAuthenticationPolicy("devstoreaccount1", Convert.ToBase64String(new byte[32]), SharedKeyScheme.BlobQueueFile);
        using var message = Pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Put;
        message.Request.Uri.Reset(new Uri("http://127.0.0.1:10000/devstoreaccount1/c1?restype=container"));
        message.Request.Headers.Add("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT");
        message.Request.Content = RequestContent.Create(Array.Empty<byte>());

        var lines = policy.BlobStringToSign(message.Request).Split('\n');
        Assert.Equal(string.Empty, lines[3]);
        Assert.Equal("/devstoreaccount1/devstoreaccount1/c1", lines[^2]);
        Assert.Equal("restype:container", lines[^1]);
    }

    [Fact]
    public void TableStringToSignHasVerbMd5TypeDateAndOnlyTheCompParameter()
    {
        var policy = new SharedKeyAuthenticationPolicy("myaccount", Convert.ToBase64String(new byte[32]), SharedKeyScheme.Table);
        using var message = Pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri("https://myaccount.table.core.windows.net/jobs(PartitionKey='p',RowKey='r')?$select=a&comp=metadata"));
        message.Request.Headers.Add("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT");
        message.Request.Headers.Add("Content-Type", "application/json");

        Assert.Equal(
            "GET\n\napplication/json\nFri, 26 Jun 2015 23:39:12 GMT\n/myaccount/jobs(PartitionKey='p',RowKey='r')?comp=metadata",
            policy.TableStringToSign(message.Request));
    }

    [Fact]
    public void TheSignatureIsTheBase64HmacSha256OfTheStringUnderTheDecodedKey()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var policy = new SharedKeyAuthenticationPolicy("a", Convert.ToBase64String(key), SharedKeyScheme.BlobQueueFile);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, "GET\n"u8.ToArray()));
        Assert.Equal(expected, policy.Sign("GET\n"));
    }

    [Fact]
    public void AnAccountKeyThatIsNotBase64IsRejectedNamingTheAccount()
    {
        var error = Assert.Throws<ArgumentException>(() => new SharedKeyAuthenticationPolicy("acct", "not base64!", SharedKeyScheme.BlobQueueFile));
        Assert.Contains("'acct'", error.Message, StringComparison.Ordinal);
    }
}
