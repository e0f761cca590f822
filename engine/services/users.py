from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engine import audit
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import ApiToken, User, UserRole
from engine.roles import KNOWN_ROLES
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.hasher = PasswordHasher(
            time_cost=engine.settings.argon2_time_cost, memory_cost=engine.settings.argon2_memory_kib
        )

    def create(
        self,
        username: str,
        password: str | None,
        roles: list[str],
        *,
        full_name: str = "",
        institution: str | None = None,
        unit: str | None = None,
        service_account: bool = False,
        actor: str = "system",
    ) -> User:
        session = self.engine.session()
        username = username.strip()
        if not username:
            raise InvalidInput("a username is required", [{"field": "/username", "message": "required"}])
        unknown = sorted(set(roles) - set(KNOWN_ROLES))
        if unknown:
            raise InvalidInput(f"unknown roles: {', '.join(unknown)} (known: {', '.join(KNOWN_ROLES)})")
        if not service_account and not password:
            raise InvalidInput("a person's account needs a password")
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(f"user {username!r} already exists")
        now = self.engine.clock.now()
        user = User(
            username=username, full_name=full_name, institution_code=institution or None, unit_code=unit or None,
            password_hash=self.hasher.hash(password) if password else None,
            is_service_account=service_account, active=True, created_at=now,
        )
        user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
        session.add(user)
        with atomic(session, f"user {username!r} could not be created"):
            audit.record(session, now, actor, "user_created", data={"username": username, "roles": sorted(set(roles))})
        return user

    def by_username(self, username: str) -> User:
        user = self.engine.session().scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"user {username!r} does not exist")
        return user

    def authenticate(self, username: str, password: str) -> User | None:
        user = self.engine.session().scalar(select(User).where(User.username == username))
        if user is None or not user.active or not user.password_hash:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            self.hasher.hash(password or "x")
            return None
        try:
            self.hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return user

    def issue_token(self, user: User, ttl: timedelta | None = None) -> str:
        session = self.engine.session()
        token = secrets.token_urlsafe(32)
        now = self.engine.clock.now()
        ttl = ttl or timedelta(hours=self.engine.settings.token_ttl_hours)
        session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=now + ttl))
        with atomic(session, "the token could not be issued"):
            audit.record(session, now, user.username, "token_issued")
        return token

    def user_for_token(self, token: str) -> User | None:
        # Every request asks this: token, user and roles in one query, not three.
        query = (
            select(ApiToken)
            .where(ApiToken.token_hash == token_digest(token))
            .options(joinedload(ApiToken.user).joinedload(User.role_rows))
        )
        row = self.engine.session().scalars(query).unique().first()
        if row is None or row.revoked_at is not None or row.expires_at <= self.engine.clock.now():
            return None
        return row.user if row.user.active else None
