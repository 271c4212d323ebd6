using System.Text.Json;

namespace Lantern.Tests.Api;

public sealed class AriApiDocsTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public AriApiDocsTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Resources_ListsMailboxesResourceWithRequestHostBasePath()
    {
        using var client = _host.Anonymous();
        var doc = await ApiAssert.JsonAsync(await client.GetAsync("ari/api-docs/resources.json"));
        Assert.Equal("1.2", doc.GetProperty("swaggerVersion").GetString());
        Assert.Equal(new Uri(_host.BaseAddress, "ari").ToString(), doc.GetProperty("basePath").GetString());
        Assert.Contains(doc.GetProperty("apis").EnumerateArray(), a => a.GetProperty("path").GetString() == "/api-docs/mailboxes.{format}");
    }

    [Fact]
    public async Task Mailboxes_DescribesTheFourOperations()
    {
        using var client = _host.Anonymous();
        var doc = await ApiAssert.JsonAsync(await client.GetAsync("ari/api-docs/mailboxes.json"));
        Assert.Equal("/api-docs/mailboxes.{format}", doc.GetProperty("resourcePath").GetString());
        var operations = doc.GetProperty("apis").EnumerateArray()
            .SelectMany(api => api.GetProperty("operations").EnumerateArray().Select(op => (Path: api.GetProperty("path").GetString(), Op: op)))
            .ToDictionary(x => x.Op.GetProperty("nickname").GetString()!, x => x);

        Assert.Equal(["delete", "get", "list", "update"], operations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("/mailboxes", "GET"), (operations["list"].Path, operations["list"].Op.GetProperty("httpMethod").GetString()));
        Assert.Equal(("/mailboxes/{mailboxName}", "PUT"), (operations["update"].Path, operations["update"].Op.GetProperty("method").GetString()));
        Assert.Equal("DELETE", operations["delete"].Op.GetProperty("httpMethod").GetString());
        var parameters = operations["update"].Op.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["mailboxName", "oldMessages", "newMessages"], parameters);
        var model = doc.GetProperty("models").GetProperty("Mailbox").GetProperty("properties");
        Assert.Equal(["name", "old_messages", "new_messages"], model.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Mailboxes_OperationPathsResolveAgainstBasePath()
    {
        // What an ARI client library does: basePath + path with the parameter filled in, then calls it.
        using var anonymous = _host.Anonymous();
        var doc = await ApiAssert.JsonAsync(await anonymous.GetAsync("ari/api-docs/mailboxes.json"));
        var basePath = doc.GetProperty("basePath").GetString()!;
        var path = doc.GetProperty("apis")[1].GetProperty("path").GetString()!.Replace("{mailboxName}", "docs1@x", StringComparison.Ordinal);
        using var client = _host.Client();
        var put = await client.PutAsync(new Uri(basePath + path + "?oldMessages=0&newMessages=1"), null);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, put.StatusCode);
        var got = await ApiAssert.JsonAsync(await client.GetAsync(new Uri(basePath + path)));
        Assert.Equal(1, got.GetProperty("new_messages").GetInt32());
        Assert.Equal(JsonValueKind.Object, got.ValueKind);
    }
}
