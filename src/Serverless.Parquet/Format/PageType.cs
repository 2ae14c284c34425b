namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift PageType values.</summary>
internal enum PageType
{
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
}
