using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>The app identity gets built-in data-plane roles, named by their ids, each on the narrowest scope.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class RoleAssignmentTests(InfraBuild infra)
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    /// <summary>Azure's built-in role definition ids (the same in every tenant), as its role reference lists them.</summary>
    private static readonly Dictionary<string, string> BuiltInRoles = new(StringComparer.Ordinal)
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Blob Data Contributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Azure Event Hubs Data Sender"] = "2b629674-e913-4c01-ae53-ef4638d8f975",
        ["Azure Event Hubs Data Receiver"] = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    [Fact]
    public void CompiledTemplateNamesEveryRoleIdInOneMapThatMatchesAzuresBuiltInRoles()
    {
        var declaring = infra.Template.AllResources()
            .Where(r => r.Resource.GetProperty("type").GetString() == RoleAssignmentType)
            .Select(r => r.DeclaringTemplate)
            .Distinct()
            .ToList();
        var template = Assert.Single(declaring);

        var map = template.GetProperty("variables").GetProperty("builtInRoles").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        Assert.Equal(BuiltInRoles.OrderBy(p => p.Key), map.OrderBy(p => p.Key));

        var used = infra.Template.ResourcesOfType(RoleAssignmentType)
            .Select(r => RoleDefinitionByName().Match(r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!))
            .ToList();
        Assert.All(used, m => Assert.True(m.Success, "a role assignment names its role definition outside the builtInRoles map"));
        Assert.Equal(BuiltInRoles.Keys.Order(), used.Select(m => m.Groups["name"].Value).Distinct().Order());
    }

    [Fact]
    public void EachRoleGoesToTheAppIdentityOnTheNarrowestScopeThatWorks()
    {
        var snapshot = infra.Defaults;
        var accounts = snapshot.OfType("Microsoft.Storage/storageAccounts").ToList();
        var lakeAccount = Assert.Single(accounts, IsHierarchical);
        var hostAccount = Assert.Single(accounts, a => !IsHierarchical(a));
        var lakeContainer = Assert.Single(
            snapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => DeploymentSnapshot.Id(c).StartsWith(DeploymentSnapshot.Id(lakeAccount) + "/", StringComparison.Ordinal));
        var hub = snapshot.Single("Microsoft.EventHub/namespaces/eventhubs");
        var vault = snapshot.Single("Microsoft.KeyVault/vaults");
        var appInsights = snapshot.Single("Microsoft.Insights/components");
        var identity = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));

        var expected = new (string Role, JsonElement Scope)[]
        {
            ("Storage Blob Data Owner", hostAccount),
            ("Storage Queue Data Contributor", hostAccount),
            ("Storage Table Data Contributor", hostAccount),
            ("Storage Blob Data Contributor", lakeContainer),
            ("Azure Event Hubs Data Sender", hub),
            ("Azure Event Hubs Data Receiver", hub),
            ("Key Vault Secrets User", vault),
            ("Monitoring Metrics Publisher", appInsights),
        }.Select(e => $"{e.Role} on {DeploymentSnapshot.Id(e.Scope)}").Order();

        var assignments = snapshot.OfType(RoleAssignmentType).ToList();
        var actual = assignments.Select(a =>
        {
            var id = DeploymentSnapshot.Id(a);
            var scope = id[..id.IndexOf("/providers/" + RoleAssignmentType, StringComparison.Ordinal)];
            var roleId = a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Split('/')[^1];
            var role = BuiltInRoles.Single(r => r.Value == roleId).Key;
            return $"{role} on {scope}";
        }).Order();

        Assert.Equal(expected, actual);
        Assert.All(assignments, a =>
        {
            var properties = a.GetProperty("properties");
            Assert.Equal("ServicePrincipal", properties.GetProperty("principalType").GetString());
            Assert.Contains($"reference('{identity}'", properties.GetProperty("principalId").GetString(), StringComparison.Ordinal);
        });
    }

    private static bool IsHierarchical(JsonElement account) =>
        account.GetProperty("properties").TryGetProperty("isHnsEnabled", out var hns) && hns.GetBoolean();

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', variables\('builtInRoles'\)\['(?<name>[^']+)'\]\)\]$")]
    private static partial Regex RoleDefinitionByName();
}
