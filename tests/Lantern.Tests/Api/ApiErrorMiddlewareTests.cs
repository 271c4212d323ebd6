using System.Net;

namespace Lantern.Tests.Api;

public sealed class ApiErrorMiddlewareTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public ApiErrorMiddlewareTests(ApiTestHost host) => _host = host;

    [Theory]
    [InlineData("nothing/here")]
    [InlineData("api/v1/nothing")]
    [InlineData("ari/channels")]
    public async Task UnknownRoute_Is404Problem(string path)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync(path), HttpStatusCode.NotFound, "no resource");
    }

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFFFFFF")]
    [InlineData("100000000")]
    public async Task ChunkedBody_OverflowingChunkSize_Is400Problem(string size)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(_host.BaseAddress.Host, _host.BaseAddress.Port).WaitAsync(TimeSpan.FromSeconds(10));
        var auth = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{ApiTestHost.User}:{ApiTestHost.Password}"));
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST /api/v1/mailboxes:batch HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{size}\r\n{{\"items\":[]}}\r\n"));
        var answer = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var reads = 0; reads < 100; reads++)
        {
            var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, deadline.Token);
            if (n == 0)
            {
                break;
            }

            answer.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.StartsWith("HTTP/1.1 400 ", answer.ToString(), StringComparison.Ordinal);
        Assert.Contains("chunk", answer.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PostAsync("ari/mailboxes/1@x", null), HttpStatusCode.MethodNotAllowed, "POST");
        await ApiAssert.ProblemAsync(await client.DeleteAsync("api/v1/mailboxes"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task OversizedBody_Is413Problem()
    {
        using var client = _host.Client();
        var big = "{\"voice\":{\"new\":1},\"pad\":\"" + new string('x', 100_000) + "\"}";
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/mailboxes/1@big", ApiAssert.Json(big)), HttpStatusCode.RequestEntityTooLarge, "65536");
    }

    [Fact]
    public async Task OversizedChunkedBody_Is413Problem()
    {
        using var client = _host.Client();
        // Leading whitespace must be read through before anything is parsed, so the limit is always reached.
        var big = new string(' ', 100_000) + "{\"voice\":{\"new\":1}}";
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/mailboxes/1@big") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        await ApiAssert.ProblemAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task OversizedBatch_Is413Problem()
    {
        using var client = _host.Client();
        var big = "{\"items\":[],\"pad\":\"" + new string('x', 5 * 1024 * 1024) + "\"}";
        await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:batch", ApiAssert.Json(big)), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task MalformedJson_Is400Problem()
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:delete", ApiAssert.Json("{not json")), HttpStatusCode.BadRequest);
    }
}
