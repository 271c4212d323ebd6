using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lantern.Tests.Api;

public sealed class ApiHttpsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lantern-tls-" + Guid.NewGuid().ToString("N"));
    private ApiTestHost? _host;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certFile = Path.Combine(_directory, "cert.pem");
        var keyFile = Path.Combine(_directory, "key.pem");
        await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        var thumbprint = certificate.Thumbprint;
        _host = new ApiTestHost
        {
            ExtraConfiguration = new Dictionary<string, string?> { ["http:certificate"] = certFile, ["http:key"] = keyFile },
            HandlerFactory = () => new HttpClientHandler
            {
                // Trust exactly the test certificate, nothing else.
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint,
            },
        };
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Certificate_ServesHttps()
    {
        Assert.Equal("https", _host!.BaseAddress.Scheme);
        using var client = _host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/1@tls?newMessages=1", null)).StatusCode);
        var mailbox = await ApiAssert.JsonAsync(await client.GetAsync("ari/mailboxes/1@tls"));
        Assert.Equal(1, mailbox.GetProperty("new_messages").GetInt32());
    }
}
