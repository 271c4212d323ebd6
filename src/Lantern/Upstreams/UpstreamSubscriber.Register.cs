using System.Globalization;
using Lantern.Sip.Auth;

namespace Lantern.Upstreams;

/// <summary>The optional registration with the upstream (<c>register: true</c>): REGISTER before the first SUBSCRIBE,
/// re-REGISTER at 85% of the grant, <c>Expires: 0</c> after the unsubscribe on stop (decision 0008).</summary>
internal sealed partial class UpstreamSubscriber
{
    // Owned by the loop, like the subscription fields.
    private string? _registerCallId;
    private string _registerTag = string.Empty;
    private long _registerCSeq;
    private int _registerPending;
    private bool _registerAnswered;
    private bool _registered;
    private bool _unregistering;
    private DigestChallenge? _registerChallenge;
    private bool _registerChallengeIsProxy;
    private uint _registerNonceCount;
    private readonly UpstreamAgentTimer _registerTimer;

    private void SendRegister(int expires, string? authorization = null, bool proxy = false, bool answered = false)
    {
        if (_registerCallId is null)
        {
            _registerCallId = NewToken(16) + "@lantern";
            _registerTag = NewToken(8);
            _registerCSeq = 0;
        }

        if (authorization is null && _registerChallenge is not null && _upstream.Secret is not null)
        {
            // Reuse the last challenge with the next nonce count, as for SUBSCRIBE refreshes.
            authorization = DigestClient.CreateAuthorization(_registerChallenge, "REGISTER", _upstream.RegistrarUri, _upstream.AuthUser, _upstream.Secret, ++_registerNonceCount);
            proxy = _registerChallengeIsProxy;
        }

        _registerCSeq++;
        var transaction = ++_nextTransaction;
        _registerPending = transaction;
        _registerAnswered = answered;
        var request = new UpstreamRegisterRequest(_upstream, _registerCallId, _registerTag, _registerCSeq, expires, authorization, proxy);
        _ = RunTransactionAsync(ct => _client.RegisterAsync(request, ct), response => new RegisterResponseEvent(transaction, response));
    }

    private void OnRegisterResponse(int transaction, UpstreamSubscribeResponse response)
    {
        if (transaction != _registerPending || response.StatusCode < 200)
        {
            return;
        }

        _registerPending = 0;
        if (response.StatusCode is 401 or 407 && !_registerAnswered && _upstream.Secret is not null
            && DigestChallenge.SelectBest(response.Challenges ?? []) is { } challenge)
        {
            _registerChallenge = challenge;
            _registerChallengeIsProxy = response.StatusCode == 407;
            _registerNonceCount = 1;
            var authorization = DigestClient.CreateAuthorization(challenge, "REGISTER", _upstream.RegistrarUri, _upstream.AuthUser, _upstream.Secret, _registerNonceCount);
            SendRegister(_unregistering ? 0 : _upstream.RegisterExpires, authorization, _registerChallengeIsProxy, answered: true);
            return;
        }

        if (_unregistering)
        {
            _registered = false;
            var outcome = Describe(response);
            UpstreamsLog.Unregistered(_logger, _upstream.Name, outcome);
            Finish();
            return;
        }

        if (!response.IsSuccess)
        {
            _registered = false;
            _registerChallenge = null;
            _registerCallId = null;
            var auth = response.StatusCode is 401 or 403 or 407;
            Fail("register: " + Describe(response), response.RetryAfter, auth);
            return;
        }

        var granted = response.Expires ?? _upstream.RegisterExpires;
        if (granted <= 0)
        {
            _registered = false;
            Fail($"register: {response.StatusCode.ToString(CultureInfo.InvariantCulture)} granted no time (Expires: 0)", null, authFailure: false);
            return;
        }

        var first = !_registered;
        _registered = true;
        if (first)
        {
            UpstreamsLog.Registered(_logger, _upstream.Name, _upstream.RegistrarUri, granted);
        }

        ScheduleRegister(TimeSpan.FromSeconds(granted * RefreshShare));
        if (_stopRequested)
        {
            Finish();
            return;
        }

        // The upstream only NOTIFYs a registered peer: subscribe now unless a subscription is already under way.
        if (_callId is null && _pending is null && _nextAttemptAt is null)
        {
            BeginSubscription();
        }
    }

    private void ScheduleRegister(TimeSpan delay)
    {
        _registerTimer.Schedule(delay);
    }

    private void CancelRegisterTimer() => _registerTimer.Cancel();

    private void OnRegisterTimer(int token)
    {
        if (!_registerTimer.IsCurrent(token) || _stopRequested || _registerPending != 0)
        {
            return;
        }

        SendRegister(_upstream.RegisterExpires);
    }

    private void Unregister()
    {
        _unregistering = true;
        CancelRegisterTimer();
        if (_registerPending != 0 && !_registered)
        {
            // The first REGISTER is still out: its answer decides whether there is a binding to remove.
            _unregistering = false;
            return;
        }

        SendRegister(0);
    }
}
