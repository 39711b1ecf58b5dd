import { BadRequestException, type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { RegisterDto } from '../auth/dto/register.dto';
import { CreatePostDto } from '../posts/dto/create-post.dto';
import { NearQueryDto } from '../posts/dto/near.query.dto';
import { UpdatePostDto } from '../posts/dto/update-post.dto';
import { VALIDATION_OPTIONS } from './validation';

/** The global pipe, as app.setup.ts installs it: what a client reads in the 400. */
async function refusal(metatype: ArgumentMetadata['metatype'], value: unknown, type: 'body' | 'query' = 'body') {
  const pipe = new ValidationPipe(VALIDATION_OPTIONS);
  try {
    await pipe.transform(value, { type, metatype });
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  throw new Error('expected a 400');
}

const messagesOf = async (metatype: ArgumentMetadata['metatype'], value: unknown, type?: 'body' | 'query') =>
  ((await refusal(metatype, value, type)) as { message: string[] }).message;

describe('validation messages a person can act on', () => {
  it('a missing query parameter is "<name> is required", and nothing else about it', async () => {
    expect(await messagesOf(NearQueryDto, { lng: '2.29' }, 'query')).toEqual(['lat is required']);
    expect(await messagesOf(NearQueryDto, {}, 'query')).toEqual(['lng is required', 'lat is required']);
  });

  it("keeps NestJS's error shape", async () => {
    expect(await refusal(NearQueryDto, { lng: '2.29' }, 'query')).toEqual({
      statusCode: 400,
      message: ['lat is required'],
      error: 'Bad Request',
    });
  });

  it('an empty register body names each missing field once', async () => {
    expect(await messagesOf(RegisterDto, {})).toEqual(['email is required', 'password is required']);
  });

  it('says which nested field is missing, with its path', async () => {
    expect(await messagesOf(CreatePostDto, { text: 'hi' })).toEqual(['location is required']);
    expect(await messagesOf(CreatePostDto, { text: 'hi', location: { type: 'Point' } })).toEqual([
      'location.coordinates is required',
    ]);
    expect(await messagesOf(CreatePostDto, { location: { coordinates: [2.29, 48.86] } })).toEqual([
      'text is required',
      'location.type is required',
    ]);
  });

  it('a field that is present but wrong keeps every message', async () => {
    expect(await messagesOf(NearQueryDto, { lng: '2.29', lat: '100' }, 'query')).toEqual([
      'lat must not be greater than 90',
    ]);
    expect(await messagesOf(RegisterDto, { email: 'x', password: 'short' })).toEqual([
      'email must be an email',
      'password must be longer than or equal to 8 characters',
    ]);
    // null is a value: the client sent it, and learns what it should have been.
    expect(await messagesOf(CreatePostDto, { text: null, location: { type: 'Point', coordinates: [1, 2] } })).toEqual(
      expect.arrayContaining(['text must be a string']),
    );
  });

  it('a check about absence itself is left as it is (one of text, location)', async () => {
    expect(await messagesOf(UpdatePostDto, {})).toEqual(['at least one of text, location must be given']);
  });

  it('unknown fields are still refused, next to missing ones', async () => {
    expect(await messagesOf(RegisterDto, { password: 'long enough password', role: 'admin' })).toEqual([
      'property role should not exist',
      'email is required',
    ]);
  });
});
