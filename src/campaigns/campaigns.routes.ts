import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { CampaignEstimate, CampaignList, CampaignOut, CampaignParams, CampaignReport, CreateCampaignBody } from './campaigns.schemas';
import type { CampaignsService } from './campaigns.service';

/** Campaigns for owners and managers: a draft over a segment, its power check, launch, end and the lift report. */
export function campaignsRoutes(api: Api<{ campaigns: CampaignsService }>): void {
  const { campaigns } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'campaigns';

  route(api, {
    method: 'post',
    path: '/v1/campaigns',
    summary: 'Create a campaign as a draft over a segment, with its random holdout share',
    tag,
    access,
    body: CreateCampaignBody,
    response: CampaignOut,
    status: 201,
    handler: async ({ principal, body }) => campaigns.create(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/campaigns',
    summary: "The merchant's campaigns, newest first",
    tag,
    access,
    response: CampaignList,
    handler: async ({ principal }) => ({ items: await campaigns.list(principal.merchantId) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/campaigns/:campaignId',
    summary: 'One campaign',
    tag,
    access,
    params: CampaignParams,
    response: CampaignOut,
    handler: async ({ principal, params }) => campaigns.get(principal.merchantId, params.campaignId),
  });

  route(api, {
    method: 'get',
    path: '/v1/campaigns/:campaignId/estimate',
    summary: 'Reach and the smallest lift the campaign can tell from chance (a power check before launch)',
    tag,
    access,
    params: CampaignParams,
    response: CampaignEstimate,
    handler: async ({ principal, params }) => campaigns.estimate(principal.merchantId, params.campaignId),
  });

  route(api, {
    method: 'post',
    path: '/v1/campaigns/:campaignId/launch',
    summary: "Launch a draft: draws the segment's members into treated and holdout, once",
    tag,
    access,
    params: CampaignParams,
    response: CampaignOut,
    handler: async ({ principal, params }) => campaigns.launch(principal, params.campaignId),
  });

  route(api, {
    method: 'post',
    path: '/v1/campaigns/:campaignId/end',
    summary: 'End a launched campaign now (it is measured up to this moment)',
    tag,
    access,
    params: CampaignParams,
    response: CampaignOut,
    handler: async ({ principal, params }) => campaigns.end(principal, params.campaignId),
  });

  route(api, {
    method: 'get',
    path: '/v1/campaigns/:campaignId/report',
    summary: 'Treated against holdout: spend, visits and response with 95 % intervals, spend after, incremental margin and ROI',
    tag,
    access,
    params: CampaignParams,
    response: CampaignReport,
    handler: async ({ principal, params }) => campaigns.report(principal.merchantId, params.campaignId),
  });
}
