"""What Cognito hands its Post Authentication trigger (the parts this service reads)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Attributes(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sub: str = Field(min_length=1)
    email: str = Field(min_length=3)


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    user_attributes: _Attributes = Field(alias="userAttributes")


class PostAuthenticationEvent(BaseModel):
    """`triggerSource` is `PostAuthentication_Authentication`; the event goes back unchanged."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    trigger_source: str = Field(alias="triggerSource")
    user_pool_id: str = Field(alias="userPoolId")
    request: _Request
