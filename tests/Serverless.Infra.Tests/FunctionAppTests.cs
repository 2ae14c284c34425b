using System.Text.Json;

namespace Serverless.Infra.Tests;

/// <summary>The Flex Consumption app: runtime, always-ready durable group, secrets, VNet integration and Easy Auth.</summary>
[Collection(InfraCollection.Name)]
public sealed class FunctionAppTests(InfraBuild infra)
{
    [Fact]
    public void CompiledTemplateKeepsOneAlwaysReadyInstanceForTheDurableGroupOnly()
    {
        var site = Assert.Single(infra.Template.ResourcesOfType("Microsoft.Web/sites"));
        var alwaysReady = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency").GetProperty("alwaysReady");

        var group = Assert.Single(alwaysReady.EnumerateArray());
        Assert.Equal("durable", group.GetProperty("name").GetString());
        Assert.Equal(1, group.GetProperty("instanceCount").GetInt32());
    }

    [Fact]
    public void AppRunsDotnetIsolatedTenOnALinuxFlexConsumptionPlanAsTheUserAssignedIdentity()
    {
        var plan = infra.Defaults.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean(), "a Linux plan is 'reserved'");

        var site = infra.Defaults.Single("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        var config = site.GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal(2048, config.GetProperty("scaleAndConcurrency").GetProperty("instanceMemoryMB").GetInt32());

        var identity = DeploymentSnapshot.Id(infra.Defaults.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal([identity], site.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Select(p => p.Name));
        var deployment = config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("type").GetString());
        Assert.Equal(identity, deployment.GetProperty("userAssignedIdentityResourceId").GetString());
        Assert.Equal(identity, site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
    }

    [Fact]
    public void StorageAndEventHubsAcceptEntraIdOnlyAndTheLakeIsAdlsGen2()
    {
        foreach (var account in infra.Defaults.OfType("Microsoft.Storage/storageAccounts"))
        {
            Assert.False(account.GetProperty("properties").GetProperty("allowSharedKeyAccess").GetBoolean());
            Assert.False(account.GetProperty("properties").GetProperty("allowBlobPublicAccess").GetBoolean());
        }

        Assert.Single(infra.Defaults.OfType("Microsoft.Storage/storageAccounts"), a =>
            a.GetProperty("properties").TryGetProperty("isHnsEnabled", out var hns) && hns.GetBoolean());

        var eventHubs = infra.Defaults.Single("Microsoft.EventHub/namespaces");
        Assert.True(eventHubs.GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());
        Assert.Equal("Standard", eventHubs.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal(1, eventHubs.GetProperty("sku").GetProperty("capacity").GetInt32());
        Assert.Single(infra.Defaults.OfType("Microsoft.EventHub/namespaces/eventhubs/consumergroups"));

        var appInsights = infra.Defaults.Single("Microsoft.Insights/components");
        Assert.True(appInsights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
    }

    [Fact]
    public void SourcePasswordReachesTheAppOnlyAsAKeyVaultReference()
    {
        foreach (var snapshot in new[] { infra.Defaults, infra.AllOptions })
        {
            Assert.DoesNotContain(InfraBuild.SourcePassword, snapshot.Root.GetRawText(), StringComparison.Ordinal);

            var secret = snapshot.Single("Microsoft.KeyVault/vaults/secrets");
            Assert.Equal("[parameters('mysqlPassword')]", secret.GetProperty("properties").GetProperty("value").GetString());

            var reference = snapshot.AppSettings()["CDC_SOURCE_PASSWORD"];
            Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})', reference('", reference, StringComparison.Ordinal);
            Assert.Contains(DeploymentSnapshot.Id(secret) + "'", reference, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithoutAVnetNameNoSubnetIsMadeAndTheAppIsNotIntegrated()
    {
        Assert.Empty(infra.Defaults.OfType("Microsoft.Network/virtualNetworks/subnets"));
        var site = infra.Defaults.Single("Microsoft.Web/sites").GetProperty("properties");
        Assert.True(
            !site.TryGetProperty("virtualNetworkSubnetId", out var subnet) || subnet.ValueKind == JsonValueKind.Null,
            $"virtualNetworkSubnetId is {subnet}");
    }

    [Fact]
    public void VnetIntegrationAddsASubnetDelegatedToMicrosoftAppEnvironmentsInTheGivenNetwork()
    {
        var subnet = infra.AllOptions.Single("Microsoft.Network/virtualNetworks/subnets");
        var id = DeploymentSnapshot.Id(subnet);
        Assert.Equal(
            $"/subscriptions/{InfraBuild.SubscriptionId}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-shop/subnets/snet-cdc-functions",
            id);
        var properties = subnet.GetProperty("properties");
        Assert.Equal("10.20.8.0/26", properties.GetProperty("addressPrefix").GetString());
        var delegation = Assert.Single(properties.GetProperty("delegations").EnumerateArray());
        Assert.Equal("Microsoft.App/environments", delegation.GetProperty("properties").GetProperty("serviceName").GetString());

        var site = infra.AllOptions.Single("Microsoft.Web/sites").GetProperty("properties");
        Assert.Equal(id, site.GetProperty("virtualNetworkSubnetId").GetString());
        Assert.Equal("10.20.0.4", infra.AllOptions.AppSettings()["CDC_SOURCE_HOST"]);
    }

    [Fact]
    public void EntraAuthenticationAnswersRequestsWithoutATokenFor401()
    {
        Assert.Empty(infra.Defaults.OfType("Microsoft.Web/sites/config"));

        var auth = infra.AllOptions.Single("Microsoft.Web/sites/config");
        Assert.EndsWith("/config/authsettingsV2", DeploymentSnapshot.Id(auth), StringComparison.Ordinal);
        var properties = auth.GetProperty("properties");
        Assert.True(properties.GetProperty("platform").GetProperty("enabled").GetBoolean());
        Assert.True(properties.GetProperty("globalValidation").GetProperty("requireAuthentication").GetBoolean());
        Assert.Equal("Return401", properties.GetProperty("globalValidation").GetProperty("unauthenticatedClientAction").GetString());

        var entra = properties.GetProperty("identityProviders").GetProperty("azureActiveDirectory");
        Assert.True(entra.GetProperty("enabled").GetBoolean());
        Assert.Equal(InfraBuild.AuthClientId, entra.GetProperty("registration").GetProperty("clientId").GetString());
        Assert.Contains($"'{InfraBuild.TenantId}'", entra.GetProperty("registration").GetProperty("openIdIssuer").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            [InfraBuild.AuthClientId, $"api://{InfraBuild.AuthClientId}"],
            entra.GetProperty("validation").GetProperty("allowedAudiences").EnumerateArray().Select(a => a.GetString()));
    }
}
