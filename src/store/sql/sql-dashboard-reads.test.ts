import { describeDashboardReadsConformance } from '../dashboard.conformance.js';

describeDashboardReadsConformance();
