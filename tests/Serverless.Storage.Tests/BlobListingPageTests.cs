using System.Text;
using Serverless.Storage.AzureStorage;

namespace Serverless.Storage.Tests;

/// <summary>List Blobs answers built from the documented EnumerationResults format.</summary>
public sealed class BlobListingPageTests
{
    [Fact]
    public void ADocumentedListBlobsAnswerYieldsNamesSizesTimesETagsAndTheNextMarker()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <EnumerationResults ServiceEndpoint="https://myaccount.blob.core.windows.net/" ContainerName="lake">
              <Prefix>_delta_log/</Prefix>
              <MaxResults>2</MaxResults>
              <Blobs>
                <Blob>
                  <Name>_delta_log/00000000000000000000.json</Name>
                  <Properties>
                    <Creation-Time>Wed, 09 Sep 2009 09:20:02 GMT</Creation-Time>
                    <Last-Modified>Thu, 10 Sep 2009 10:21:03 GMT</Last-Modified>
                    <Etag>0x8CBFF45D8A29A19</Etag>
                    <Content-Length>1234</Content-Length>
                    <Content-Type>application/octet-stream</Content-Type>
                    <Content-MD5 />
                    <BlobType>BlockBlob</BlobType>
                  </Properties>
                  <Metadata><writer>x</writer></Metadata>
                </Blob>
                <Blob>
                  <Name>_delta_log/00000000000000000001.json</Name>
                  <Properties><Last-Modified>Fri, 11 Sep 2009 11:22:04 GMT</Last-Modified><Etag>"0x2"</Etag><Content-Length>0</Content-Length></Properties>
                </Blob>
              </Blobs>
              <NextMarker>2!80!MDAwMDE=</NextMarker>
            </EnumerationResults>
            """;

        var page = BlobListingPage.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(2, page.Blobs.Count);
        Assert.Equal(("_delta_log/00000000000000000000.json", 1234L, new DateTimeOffset(2009, 9, 10, 10, 21, 3, TimeSpan.Zero), "0x8CBFF45D8A29A19"), page.Blobs[0]);
        Assert.Equal(("_delta_log/00000000000000000001.json", 0L, new DateTimeOffset(2009, 9, 11, 11, 22, 4, TimeSpan.Zero), "\"0x2\""), page.Blobs[1]);
        Assert.Equal("2!80!MDAwMDE=", page.NextMarker);
    }

    [Fact]
    public void TheLastPageHasAnEmptyNextMarker()
    {
        const string xml = "<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>";
        var page = BlobListingPage.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        Assert.Empty(page.Blobs);
        Assert.Null(page.NextMarker);
    }
}
