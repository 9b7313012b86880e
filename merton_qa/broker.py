"""The Redis broker transport: kombu's, with one fix so a Celery worker survives a Redis outage.

Settings use it as CELERY_BROKER_TRANSPORT when REDIS_URL is set (README "Reliability", `make fault`).

The crash it fixes (kombu 5.7.0, Celery 5.7.0; `make fault` failed about 1 run in 4): when Redis goes away the
worker's consumer calls `Connection.collect()` and then `Connection.close()`. `collect()` tries to close the
consuming channel, which fails half-way (its pending BRPOP read raises ConnectionError before the channel is
marked closed), and then detaches the transport anyway (`transport.client = None`). `close()` closes the
channel again; with a task still running (acks_late: its message is unacknowledged) the channel tries to put
that message back in the queue, needs a new Redis connection pool, and builds its parameters from
`transport.client`, now None: "AttributeError: 'NoneType' object has no attribute 'hostname'". That is not a
connection error, so neither kombu nor Celery catches it, and the worker exits ("Unrecoverable error"). The
task's late acknowledgement on the same channel fails the same way.

Here a channel whose transport was detached raises a connection error instead, as it would if Redis were
merely down: kombu and Celery handle that everywhere (the channel is closed, the failed ack is logged, the
worker reconnects). Nothing is lost: an unacknowledged message stays in Redis (append-only file) and is
delivered again after the visibility timeout; the tasks are idempotent, so a task that had already run does
nothing the second time.
"""
import logging

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

log = logging.getLogger(__name__)
DETACHED = "the broker connection of this channel was closed after the broker went away"
REFUSED = "broker channel left by a lost connection: refused, the worker carries on"


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        transport = self.connection
        if transport is None or transport.client is None:
            log.warning("%s (its unacknowledged messages stay in Redis, delivered again after the visibility "
                        "timeout)", REFUSED)
            raise RedisConnectionError(DETACHED)
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
