namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>Tests that read the shop database share one copy of it and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ShopCollection : ICollectionFixture<ShopDatabase>
{
    public const string Name = "shop database";
}
